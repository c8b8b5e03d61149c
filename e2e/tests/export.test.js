// "Exporter (CSV)" under the filters of a ticket list (issue 15): the file holds the tickets
// listed with the filters of the moment, in UTF-8 with a BOM, with a semicolon for French
// spreadsheets (a comma in English), and never another company's ticket.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.referent);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.referent, { locale: 'fr' });
});

/** Clicks the export button and reads the file the browser saved. */
async function exported(page, name) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'tickets.csv');
  return fs.readFile(await download.path(), 'utf8');
}

test("a referent exports his company's tickets as filtered, for a French spreadsheet", async () => {
  const { page, errors } = browser;
  await visit(page, '/tickets?scope=company&status=closed');
  await sees(page.getByRole('heading', { level: 1 }));
  const text = await exported(page, 'Exporter (CSV)');
  assert.ok(text.startsWith('\uFEFF'), 'a BOM first');
  const lines = text.slice(1).trim().split(/\r?\n/);
  assert.match(lines[0], /^number;title;status;/);
  assert.ok(lines.length > 1, 'at least one closed ticket of Acme');
  for (const line of lines.slice(1)) {
    assert.match(line, /;closed;/, line);
    assert.ok(!line.includes('Boréal'), line);
  }
  await sees(page.getByRole('status').filter({ hasText: 'Le fichier tickets.csv est enregistré.' }));
  await screenshot(page, '98-export-fr');
  noPageErrors(errors);
});

test('in English the file is separated by commas', async () => {
  const { page, errors } = browser;
  await switchToEnglish(page);
  await visit(page, '/tickets?scope=company');
  const text = await exported(page, 'Export (CSV)');
  assert.match(text.slice(1), /^number,title,status,/);
  await switchToFrench(page);
  noPageErrors(errors);
});
