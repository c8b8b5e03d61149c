// The new-ticket form asks an urgency of every ticket by default (GUICHET_URGENCY_FOR=all, as
// the demo runs): a request shows the field as an incident does. With `incidents`, the form
// hides it for requests (the rule's unit test: frontend/src/pages/new_ticket.rs; the API's:
// crates/api/tests/api/tickets.rs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, get, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';

const words = {
  fr: { heading: 'Nouveau ticket', request: /^Demande/, incident: /^Incident/, urgency: 'Urgence' },
  en: { heading: 'New ticket', request: /^Request/, incident: /^Incident/, urgency: 'Urgency' },
};
const widths = [{ width: 1366, height: 900 }, { width: 360, height: 740 }];

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  // Claire reads French in the other test files.
  await updateProfile(accounts.customer, { locale: 'fr' });
});

test('the profile tells the SPA that every ticket takes an urgency', async () => {
  const me = await get(await accessToken(accounts.customer), '/api/v1/me');
  assert.deepEqual(me.ticket_form, { urgency_for: 'all' });
});

for (const lang of ['fr', 'en']) {
  test(`a request asks for an urgency like an incident (${lang})`, async () => {
    const { page, errors } = browser;
    const w = words[lang];
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    for (const viewport of widths) {
      await page.setViewportSize(viewport);
      await visit(page, '/tickets/new');
      await sees(page.getByRole('heading', { level: 1, name: w.heading, exact: true }));
      const urgency = page.getByRole('combobox', { name: w.urgency, exact: true });
      await sees(urgency);
      await page.getByRole('radio', { name: w.request }).check();
      await sees(urgency);
      await urgency.selectOption('high');
      assert.equal(await urgency.inputValue(), 'high');
      await fitsTheWidth(page, `new ticket, request, ${viewport.width} px, ${lang}`);
      await screenshot(page, `i12-urgency-request-${viewport.width}-${lang}`);
      await page.getByRole('radio', { name: w.incident }).check();
      await sees(urgency);
    }
    noPageErrors(errors);
  });
}
