// Whatever users type, no screen scrolls sideways (issue 12): a ticket whose title,
// description, follow-up and file name are each one long unbroken word (a URL, a path), shown
// on its page and in "my tickets", at 1366 px and on a 360 px phone, in French and English.
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { addFollowup, attachFile, createTicket, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketList, ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
/** One word of `length` characters without any break opportunity. */
const word = (start, length = 300) => `${start}${stamp}_${'x'.repeat(length)}`.slice(0, length);
// A title holds at most 200 characters (the API's limit).
const title = word('https://intranet.acme.test/partage/', 200);
const description = word('\\\\serveur-fichiers\\comptabilite\\');
const followup = word('Erreur_');
const fileName = `${word('journal_', 296)}.txt`;

let browser;
let number;
before(async () => {
  const ticket = await createTicket(accounts.customer, { title, description });
  number = ticket.number;
  await addFollowup(accounts.customer, number, followup);
  await attachFile(accounts.customer, number, fileName);
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

const widths = [{ width: 1366, height: 900 }, { width: 360, height: 740 }];

for (const lang of ['fr', 'en']) {
  test(`a ticket of long words fits the ticket page and the list at 1366 and 360 px (${lang})`, async () => {
    const { page, errors } = browser;
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    for (const viewport of widths) {
      await page.setViewportSize(viewport);
      await visit(page, `/tickets/${number}`);
      const ticket = ticketPage(page, lang);
      await sees(ticket.heading(title));
      await sees(ticket.history.getByText(followup));
      await sees(page.getByRole('button', { name: new RegExp(fileName.slice(0, 40)) }));
      await fitsTheWidth(page, `ticket page, ${viewport.width} px, ${lang}`);
      await screenshot(page, `i12-long-words-ticket-${viewport.width}-${lang}`);

      await visit(page, '/tickets');
      await sees(ticketList(page).row(title));
      await fitsTheWidth(page, `my tickets, ${viewport.width} px, ${lang}`);
      await screenshot(page, `i12-long-words-tickets-${viewport.width}-${lang}`);
    }
    noPageErrors(errors);
  });
}
