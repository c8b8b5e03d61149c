// The support team's queue: every company's tickets with whose and how pressing they are,
// narrowed by company, assignee, urgency and priority.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketList } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.agent);
  await isAt(browser.page, '/');
  await visit(browser.page, '/tickets');
});
after(async () => {
  await browser?.close();
});

/** The text of one column of the queue, row by row. */
async function column(page, label) {
  const cells = page.getByRole('table').locator(`td[data-label="${label}"]`);
  await cells.first().waitFor({ state: 'visible' });
  return cells.allInnerTexts();
}

test('the agent narrows the queue by company, assignee, urgency and priority', async () => {
  const { page, errors } = browser;
  const list = ticketList(page);
  await sees(list.table);
  const companies = await column(page, 'Société');
  assert.ok(new Set(companies).size >= 2, `every company's tickets: ${companies}`);

  await page.getByRole('combobox', { name: 'Société', exact: true }).selectOption({ label: 'Boréal Transports' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('td[data-label="Société"]')].every((td) => td.innerText === 'Boréal Transports'));
  assert.ok((await column(page, 'Société')).length > 0);

  await page.getByRole('combobox', { name: 'Société', exact: true }).selectOption({ label: 'Tous' });
  await page.getByRole('combobox', { name: 'Attribué à', exact: true }).selectOption({ label: 'Agnès Support' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('td[data-label="Attribué à"]')].every((td) => td.innerText === 'Agnès Support'));

  await page.getByRole('combobox', { name: 'Attribué à', exact: true }).selectOption({ label: 'Tous' });
  await page.getByRole('combobox', { name: 'Priorité', exact: true }).selectOption({ label: '5 sur 5' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('td[data-label="Priorité"]')].every((td) => td.innerText === '5 sur 5'));
  await page.getByRole('combobox', { name: 'Urgence', exact: true }).selectOption({ label: 'Très basse' });
  // Priority 5 needs a very high urgency: nothing is left.
  await sees(page.getByText('Aucun ticket'));
  await screenshot(page, '55-queue-filters');

  await switchToEnglish(page);
  await sees(page.getByRole('combobox', { name: 'Company', exact: true }));
  await sees(page.getByRole('combobox', { name: 'Assigned to', exact: true }));
  await switchToFrench(page);
  noPageErrors(errors);
});
