import { after, before, test } from 'node:test';

import { signIn, visit } from '../support/actions.js';
import { createTicket } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { header, ticketList } from '../support/locators.js';

let browser;
let colleagues;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  // A ticket of Claire's, his colleague: he did not ask for it and nobody shared it with him.
  colleagues = await createTicket(accounts.customer, {
    title: `Imprimante du 2e étage ${Date.now()}`,
    description: 'Bourrage papier à chaque impression.',
  });
});
after(async () => {
  await browser?.close();
});

test("a referent's company list holds a colleague's ticket", async () => {
  const { page } = browser;
  await visit(page, '/login');
  await signIn(page, accounts.referent);
  // Wherever his profile sends him after signing in, the list is in the header.
  await page.waitForURL((url) => url.pathname !== '/login');
  await header(page).myTickets.click();
  await isAt(page, '/tickets');
  const list = ticketList(page);
  const companyList = page.waitForResponse((r) => r.url().includes('scope=company') && r.ok());
  await list.scopeCompany.check();
  await companyList;
  await sees(list.row(colleagues.title));
  await sees(list.link(colleagues.number));
  await screenshot(page, '12-referent-company');
});
