// The support team's companies (issue 14): an administrator finds them from the header and
// searches them; creates one, a taken service code refused under its field first; gives it a
// contract covering chosen categories; imports its assets from a CSV file (a bad file lists
// every bad line and imports nothing, a good one imports all); adds a known contact. The
// screens pass axe, fit a 360 px phone and read in English; agents read them without the
// forms, customers do not reach them. Every name is fresh, so the demo data stays as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openAdministration, recordApi, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, fitsTheWidth, isAccessible, isAt, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { adminPage, companiesPage, words } from '../support/locators.js';

const stamp = Date.now().toString(36);
const name = `Société ${stamp}`;
// A free service code: the demo's are 1234 and 5678.
const code = String(2000 + (Date.now() % 7000)).padStart(4, '0');
const contract = `Assistance ${stamp}`;
const contactEmail = `achats-${stamp}@exemple.test`;
const assets = [`Poste accueil ${stamp}`, `Copieur ${stamp}`];
const LIST = '/admin/companies';
let companyPath;

let admin;
before(async () => {
  admin = await openBrowser({ locale: 'fr-FR' });
  await visit(admin.page, '/login');
  await signIn(admin.page, accounts.admin);
  await isAt(admin.page, '/');
});
after(async () => {
  try {
    await updateProfile(accounts.admin, { locale: 'fr' });
  } finally {
    await admin?.close();
  }
});

function csv(lines) {
  return { name: 'materiels.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) };
}

test('the admin reaches the companies from the administration and searches them', async () => {
  const { page, errors } = admin;
  const screen = companiesPage(page);
  await openAdministration(page, 'companies');
  await isAt(page, LIST);
  await sees(screen.heading);
  await sees(screen.link('Boréal Transports'));
  await screen.search.fill('acme');
  await screen.searchButton.click();
  await sees(screen.link('Acme Industrie'));
  await screen.link('Boréal Transports').waitFor({ state: 'detached' });
  await isAccessible(page, 'companies list');
  await screenshot(page, 'co-01-companies');
  noPageErrors(errors);
});

test('a taken service code is refused under its field, then the company is created', async () => {
  const { page, errors } = admin;
  const answers = recordApi(page);
  await visit(page, LIST);
  const screen = companiesPage(page);
  await screen.create.click();
  await fieldHasError(screen.name, screen.words.required);
  noSuccessfulRequest(answers, 'POST', '/api/v1/companies');

  await screen.name.fill(name);
  await screen.code.fill('1234');
  await screen.manager.selectOption({ index: 1 });
  await screen.phone.fill('03 88 00 00 00');
  await screen.notes.fill('Créée par le test des entreprises.');
  await screen.create.click();
  await fieldHasError(screen.code, screen.words.taken);
  await sees(screen.code.and(page.locator(':focus')));
  assert.ok(answers.some((a) => a.method === 'POST' && a.path === '/api/v1/companies' && a.status === 409));
  await isAccessible(page, 'company form with a taken code');
  await screenshot(page, 'co-02-code-taken');

  await screen.code.fill(code);
  await screen.create.click();
  await page.waitForURL((url) => /^\/admin\/companies\/\d+$/.test(url.pathname));
  companyPath = new URL(page.url()).pathname;
  await sees(screen.companyHeading(name));
  assert.equal(await screen.code.inputValue(), code);
  noPageErrors(errors);
});

test('a contract covers the categories checked', async () => {
  const { page, errors } = admin;
  await visit(page, companyPath);
  const screen = companiesPage(page);
  await screen.newContract.click();
  await sees(screen.contractForm);
  await sees(screen.contractForm.getByText(screen.words.allCovered));
  await screen.saveContract.click();
  await fieldHasError(screen.contractName, screen.words.required);
  await fieldHasError(screen.starts, screen.words.required);

  await screen.contractName.fill(contract);
  await screen.level.selectOption('gold');
  await screen.starts.fill('2026-01-01');
  await screen.phoneSupport.check();
  await screen.category('Lenteur').check();
  await screen.category('Facturation').check();
  await isAccessible(page, 'contract form');
  await screenshot(page, 'co-03-contract-form');
  await screen.saveContract.click();
  await sees(screen.notice(screen.words.added));
  const row = screen.contractRow(contract);
  await sees(row.getByRole('cell', { name: 'Gold', exact: true }));
  await sees(row.getByRole('cell', { name: 'Lenteur, Facturation', exact: true }));
  await sees(row.getByText(screen.words.validToday, { exact: true }));
  noPageErrors(errors);
});

test('a bad CSV file lists every bad line and imports nothing; a good one imports every asset', async () => {
  const { page, errors } = admin;
  await visit(page, companyPath);
  const screen = companiesPage(page);
  await sees(screen.assets.getByText(screen.words.noAsset));
  await screen.csv.setInputFiles(csv(['name;reference;kind;location', ';PC-01;PC;Accueil', `Poste ${stamp};PC-02;PC;Bureau;de trop`]));
  await screen.importButton.click();
  await sees(screen.importProblems.getByText(screen.words.refused));
  await sees(screen.importProblems.getByText(`${screen.words.line(2)}, name`));
  await sees(screen.importProblems.getByText(`${screen.words.line(3)} : ${screen.words.columns}`));
  await sees(screen.assets.getByText(screen.words.noAsset));
  await isAccessible(page, 'refused import');
  await screenshot(page, 'co-04-import-refused');

  await screen.csv.setInputFiles(csv([
    'name;reference;kind;location',
    `${assets[0]};PC-${stamp};PC;Rez-de-chaussée`,
    `"${assets[1]}";COP-${stamp};imprimante;1er étage`,
  ]));
  await screen.importButton.click();
  await sees(screen.notice(screen.words.imported(2)));
  for (const asset of assets) {
    await sees(screen.assetRow(asset));
  }
  assert.equal(await screen.importProblems.count(), 0);
  noPageErrors(errors);
});

test('a known contact is added', async () => {
  const { page, errors } = admin;
  await visit(page, companyPath);
  const screen = companiesPage(page);
  await screen.newContact.click();
  await screen.email.fill('pas une adresse');
  await screen.saveContact.click();
  await fieldHasError(screen.email, "Cette adresse e-mail n'est pas valide.");
  await screen.email.fill(contactEmail);
  await screen.fullName.fill('Service achats');
  await screen.contactPhone.fill('03 88 12 34 00');
  await screen.saveContact.click();
  await sees(screen.notice(screen.words.added));
  await sees(screen.contactRow(contactEmail).getByRole('cell', { name: 'Service achats', exact: true }));
  await isAccessible(page, 'company page');
  await screenshot(page, 'co-05-company');
  noPageErrors(errors);
});

test('the company page in English', async () => {
  const { page, errors } = admin;
  await visit(page, companyPath);
  await switchToEnglish(page);
  try {
    const screen = companiesPage(page, 'en');
    await sees(screen.companyHeading(name));
    await sees(screen.contractRow(contract).getByText(screen.words.validToday, { exact: true }));
    await sees(screen.contactRow(contactEmail));
    await sees(screen.assetRow(assets[0]));
    await screen.newContract.click();
    await sees(screen.contractForm.getByText(screen.words.allCovered));
    await screen.saveContract.click();
    await fieldHasError(screen.contractName, screen.words.required);
    await isAccessible(page, 'company page in English');
    await screenshot(page, 'co-06-company-en');
    await screen.back.click();
    await isAt(page, LIST);
    await sees(screen.heading);
    noPageErrors(errors);
  } finally {
    await switchToFrench(page);
  }
});

test('on a 360 px phone the screens fit the width', async () => {
  const { page, errors } = admin;
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    await visit(page, LIST);
    const screen = companiesPage(page);
    await sees(screen.link('Acme Industrie'));
    await fitsTheWidth(page, 'companies list');
    await screenshot(page, 'co-07-companies-360px');
    await visit(page, companyPath);
    // On a phone each row is a card whose cells carry their column's name.
    await sees(screen.assets.getByText(assets[1], { exact: true }));
    await screen.newContract.click();
    await sees(screen.contractForm);
    await fitsTheWidth(page, 'company page');
    await isAccessible(page, 'company page at 360 px');
    await screenshot(page, 'co-08-company-360px');
    noPageErrors(errors);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('agents read the companies without their forms; customers do not reach them', async () => {
  const agent = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page, errors } = agent;
    await visit(page, '/login');
    await signIn(page, accounts.agent);
    await isAt(page, '/');
    const screen = companiesPage(page);
    await openAdministration(page, 'companies');
    await screen.link('Acme Industrie').click();
    await sees(screen.companyHeading('Acme Industrie'));
    await sees(screen.contracts.getByRole('row').nth(1));
    assert.equal(await screen.newContract.count(), 0);
    assert.equal(await screen.companyForm.count(), 0);
    assert.equal(await screen.csv.count(), 0);
    await isAccessible(page, 'company page, agent');
    noPageErrors(errors);
  } finally {
    await agent.close();
  }
  const claire = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page } = claire;
    await visit(page, '/login');
    await signIn(page, accounts.customer);
    await isAt(page, '/');
    assert.equal(await adminPage(page).nav.count(), 0);
    for (const path of [LIST, companyPath]) {
      await visit(page, path);
      await sees(page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
      assert.equal(await companiesPage(page).companyForm.count(), 0);
    }
    noPageErrors(claire.errors);
  } finally {
    await claire.close();
  }
});
