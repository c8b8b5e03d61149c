import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { landingPage, recoveryPages, signInForm } from '../support/locators.js';
import { waitForLink } from '../support/mail.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
});

test('a forgotten password is reset with the link of the mail, once', async () => {
  const { page, errors } = browser;
  const r = recoveryPages(page);
  await visit(page, '/login');
  await r.forgotLink.click();
  await isAt(page, '/forgot-password');
  await sees(r.forgotHeading);
  await r.email.fill(accounts.admin.email);
  await r.sendLink.click();
  await sees(r.sent);
  await screenshot(page, '40-forgot-password-sent');

  const link = await waitForLink(accounts.admin.email, '/reset-password');
  await page.goto(link);
  await sees(r.resetHeading);
  // The token has left the address bar.
  await page.waitForURL((url) => url.pathname === '/reset-password' && url.hash === '');
  // The page names the link's account (issue 12).
  await sees(page.getByText(`Nouveau mot de passe pour ${accounts.admin.email}`, { exact: true }));
  const next = 'Reinitialise-2026!';
  await r.newPassword.fill(next);
  await r.confirmPassword.fill(next);
  await r.resetSubmit.click();
  await isAt(page, '/login');
  await sees(r.passwordSet);
  // The form is filled with the link's account (issue 12).
  assert.equal(await signInForm(page).email.inputValue(), accounts.admin.email);
  await screenshot(page, '41-password-reset-done');

  await signIn(page, { email: accounts.admin.email, password: next });
  await isAt(page, '/');

  // The same link a second time: refused at once, before anything is typed, with a way to
  // ask for a new one.
  await page.context().clearCookies();
  await page.evaluate(() => window.localStorage.clear());
  await page.goto(link);
  await sees(r.invalidToken);
  await sees(page.getByRole('link', { name: 'Demander un nouveau lien' }));
  assert.equal(await r.newPassword.count(), 0);
  noPageErrors(errors);
});

test('a known contact asks for access with the service code and sets a password', async () => {
  const { page, errors } = browser;
  const r = recoveryPages(page);
  await page.evaluate(() => window.localStorage.clear());
  await visit(page, '/login');
  await sees(signInForm(page).heading);
  await r.accessLink.click();
  await isAt(page, '/access-request');
  await sees(r.accessHeading);

  // A malformed code is named before anything is sent.
  await r.fullName.fill('Agnès Martin');
  await r.email.fill('achats@acme.test');
  await r.serviceCode.fill('12a');
  await r.accessSubmit.click();
  await fieldHasError(r.serviceCode, r.codeError);

  await r.serviceCode.fill('1234');
  await r.accessSubmit.click();
  await sees(r.accessSent);
  await screenshot(page, '42-access-request-sent');

  const link = await waitForLink('achats@acme.test', '/set-password');
  await page.goto(link);
  await sees(r.setHeading);
  const password = 'Achats-Acme-2026!';
  await r.newPassword.fill(password);
  await r.confirmPassword.fill(password);
  await r.setSubmit.click();
  await isAt(page, '/login');
  await sees(r.passwordSet);
  // The new account's address is already in the sign-in form.
  assert.equal(await signInForm(page).email.inputValue(), 'achats@acme.test');

  await signIn(page, { email: 'achats@acme.test', password });
  await isAt(page, '/');
  await sees(landingPage(page).heading);
  noPageErrors(errors);
});
