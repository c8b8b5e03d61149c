import { after, before, test } from 'node:test';

import { changePassword, signIn, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { changePasswordForm, landingPage } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
});

test('a generic password must be changed before anything else', async () => {
  const { page, errors } = browser;
  await visit(page, '/login');
  await signIn(page, accounts.mustChangePassword);
  await isAt(page, '/password');
  const form = changePasswordForm(page);
  await sees(form.heading);

  // Nowhere else to go until it is done.
  await visit(page, '/tickets/new');
  await isAt(page, '/password');
  await sees(form.heading);

  // The checklist follows what is typed.
  await form.next.fill('abc');
  await sees(form.ruleMet('une lettre minuscule'));
  await form.next.fill('abcD');
  await sees(form.ruleMet('une lettre majuscule'));
  await screenshot(page, '10-password-change');

  await changePassword(page, { current: accounts.mustChangePassword.password, next: 'Nouveau-Secret-2026?' });
  // Then home, as after any sign-in: the demo accounts show the landing page.
  await isAt(page, '/');
  await sees(landingPage(page).heading);
  await screenshot(page, '11-after-password-change');
  noPageErrors(errors);
});
