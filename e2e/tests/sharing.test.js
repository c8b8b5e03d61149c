// Sharing tells the sharer which of the two it is (SPEC.md, "Sharing"; issue 12): a colleague
// who will see the ticket, or an address that will only get its notifications, whether it is
// another company's account or no account at all. In French and English, at 1366 and 360 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { createTicket, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const title = `Partage ${stamp} : accès au dossier commun`;

const words = {
  fr: {
    shareWith: 'Partager avec (adresse e-mail)', share: 'Partager',
    sees: (email) => `Le ticket est partagé\u00a0: ${email} verra ce ticket.`,
    notifiedOnly: (email) => `Le ticket est partagé, mais ${email} n'est pas un compte de cette société\u00a0: `
      + 'cette personne recevra seulement les notifications, sans pouvoir consulter le ticket.',
  },
  en: {
    shareWith: 'Share with (email address)', share: 'Share',
    sees: (email) => `The ticket is shared: ${email} will see this ticket.`,
    notifiedOnly: (email) => `The ticket is shared, but ${email} is not an account of this company: `
      + 'this person will only receive the notifications and cannot see the ticket.',
  },
};

let browser;
let number;
before(async () => {
  number = (await createTicket(accounts.customer, { title, description: 'Le dossier commun est inaccessible.' })).number;
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

/** Shares the ticket with `email` from the keyboard and gives the section's notice. */
async function share(page, w, email) {
  const field = page.getByRole('textbox', { name: w.shareWith });
  await field.fill(email);
  await field.press('Enter');
  const notice = page.locator('#sharing-notice');
  await sees(notice.getByText(email));
  return notice;
}

const widths = [{ width: 1366, height: 900 }, { width: 360, height: 740 }];
// Each run shares with a colleague, another company's account and an address of its own (not
// nouveau@acme.test: tickets_lists.test.js needs a customer with no ticket at all).
const addresses = {
  fr: { colleague: 'remi@acme.test', otherCompany: 'paul@boreal.test', unknown: `inconnu-${stamp}@ailleurs.test` },
  en: { colleague: 'remi@acme.test', otherCompany: 'paul@boreal.test', unknown: `nobody-${stamp}@elsewhere.test` },
};

for (const lang of ['fr', 'en']) {
  test(`the sharer is told who will see the ticket and who will only be notified (${lang})`, async () => {
    const { page, errors } = browser;
    const w = words[lang];
    const to = addresses[lang];
    await page.setViewportSize(widths[0]);
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    await visit(page, `/tickets/${number}`);
    await sees(ticketPage(page, lang).heading(title));

    let notice = await share(page, w, to.colleague);
    assert.equal((await notice.innerText()).trim(), w.sees(to.colleague));
    assert.equal(await notice.locator('p').getAttribute('class'), 'flash');
    await screenshot(page, `i12-share-colleague-1366-${lang}`);

    // Another company's account and an unknown address read alike: only notified, a warning.
    notice = await share(page, w, to.otherCompany);
    assert.equal((await notice.innerText()).trim(), w.notifiedOnly(to.otherCompany));
    assert.equal(await notice.locator('p').getAttribute('class'), 'note');
    notice = await share(page, w, to.unknown);
    assert.equal((await notice.innerText()).trim(), w.notifiedOnly(to.unknown));
    await screenshot(page, `i12-share-notified-only-1366-${lang}`);

    await page.setViewportSize(widths[1]);
    await notice.scrollIntoViewIfNeeded();
    await fitsTheWidth(page, `sharing's warning, 360 px, ${lang}`);
    await screenshot(page, `i12-share-notified-only-360-${lang}`);
    noPageErrors(errors);
  });
}
