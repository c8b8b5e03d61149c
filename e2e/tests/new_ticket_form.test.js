// The new-ticket form of issue 12: the notification address shows only while notifications
// are on, and "create and enter another" says which values it kept.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fillTicket, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { newTicketForm } from '../support/locators.js';

const stamp = Date.now().toString(36);

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.customer, { locale: 'fr' });
});

const words = {
  fr: {
    notify: "M'avertir par e-mail du suivi de ce ticket", another: 'Créer et en saisir un autre',
    kept: "Le type, la catégorie, l'urgence, l'équipement et l'avertissement par e-mail sont conservés pour le suivant",
  },
  en: {
    notify: 'Email me about the follow-up of this ticket', another: 'Create and enter another',
    kept: 'The kind, category, urgency, asset and email notification were kept for the next one',
  },
};

for (const [lang, viewport] of [['fr', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }]]) {
  test(`the notification address follows the checkbox, and "another" says what it kept (${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    const w = words[lang];
    await page.setViewportSize(viewport);
    await visit(page, '/tickets/new');
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    const address = page.locator('#notify_email');
    const notify = page.getByRole('checkbox', { name: w.notify });
    await sees(address);
    await notify.uncheck();
    await doesNotSee(address);
    await screenshot(page, `i12-new-ticket-no-notify-${lang}-${viewport.width}`);
    await notify.check();
    await sees(address);

    // fillTicket speaks French; the form's fields are found by id here.
    if (lang === 'fr') {
      await fillTicket(page, { title: `Écran ${stamp}`, description: 'Il clignote.', urgency: 'high' });
    } else {
      await page.locator('#kind-incident').check();
      const first = page.locator('#category_id option[value]:not([value=""])').first();
      await first.waitFor({ state: 'attached' });
      await page.locator('#category_id').selectOption(await first.getAttribute('value'));
      await page.locator('#urgency').selectOption('high');
      await page.locator('#title').fill(`Screen ${stamp}`);
      await page.locator('#description').fill('It flickers.');
    }
    const category = await page.locator('#category_id').inputValue();
    await page.getByRole('button', { name: w.another }).click();
    await sees(page.getByRole('status').filter({ hasText: w.kept }));
    assert.equal(await page.locator('#category_id').inputValue(), category);
    assert.equal(await page.locator('#urgency').inputValue(), 'high');
    assert.equal(await page.locator('#title').inputValue(), '');
    await screenshot(page, `i12-new-ticket-another-kept-${lang}-${viewport.width}`);
    if (lang === 'en') await switchToFrench(page);
    noPageErrors(errors);
  });
}
