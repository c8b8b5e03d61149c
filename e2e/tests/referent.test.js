import { after, before, test } from 'node:test';

import { signIn, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { header, ticketList } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
});

test('a referent can list every ticket of the company', async () => {
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
  await sees(list.table);
  await screenshot(page, '12-referent-company');
});
