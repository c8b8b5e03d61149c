// A customer sees their assistance contract on the landing page (seeds 001, 004: "contrat de
// niveau gold ou supérieur : joindre directement par téléphone le responsable"), and a customer
// whose company has no contract valid today gets a page that says why instead of the ticket
// form ("le portail est réservé aux titulaires d'un contrat d'assistance en cours de
// validité"), while still following their tickets. In French, in English and on a phone.
import { after, before, test } from 'node:test';

import { signIn, switchToFrench, visit } from '../support/actions.js';
import { accessToken, get, updateContract, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';

let admin;
let boreal;
let original;
before(async () => {
  admin = await accessToken(accounts.admin);
  const companies = await get(admin, '/api/v1/companies?q=boreal');
  const company = companies.items.find((c) => c.name === 'Boréal Transports');
  const contracts = await get(admin, `/api/v1/companies/${company.id}/contracts`);
  boreal = contracts.items[0];
  original = { starts_on: boreal.starts_on, ends_on: boreal.ends_on };
});
after(async () => {
  // Other test files open tickets for Boréal and read Paul's pages in English: its contract
  // and his language as they were.
  try {
    await updateContract(admin, boreal.id, original);
  } finally {
    await updateProfile(accounts.otherCompany, { locale: 'en' });
  }
});

async function signedIn(account, options = {}) {
  const browser = await openBrowser({ locale: 'fr-FR', ...options });
  await visit(browser.page, '/login');
  await signIn(browser.page, account);
  await isAt(browser.page, '/');
  return browser;
}

test('a gold customer sees the contract and whom to call; a standard one its end', async () => {
  const claire = await signedIn(accounts.customer);
  try {
    const { page, errors } = claire;
    const box = page.getByRole('region', { name: "Votre contrat d'assistance" });
    await sees(box);
    await sees(box.getByText('Niveau Gold'));
    await sees(box.getByText('Sans date de fin'));
    await sees(box.getByText(/Votre responsable de compte : .+, 03 89 00 00 00/));
    await screenshot(page, '90-contract-gold-fr');
    noPageErrors(errors);
  } finally {
    await claire.close();
  }
  // Paul reads the portal in English.
  const paul = await signedIn(accounts.otherCompany);
  try {
    const { page } = paul;
    const box = page.getByRole('region', { name: 'Your assistance contract' });
    await sees(box.getByText('Level Standard'));
    await sees(box.getByText(`Valid until ${boreal.ends_on}`));
    await doesNotSee(box.getByText(/account manager/));
  } finally {
    await paul.close();
  }
});

test('without a valid contract the customer is told why instead of getting the form', async () => {
  await updateContract(admin, boreal.id, { starts_on: '2020-01-01', ends_on: '2020-12-31' });
  const paul = await signedIn(accounts.otherCompany, { viewport: { width: 360, height: 740 } });
  try {
    const { page, errors } = paul;
    await sees(page.getByText(/no assistance contract valid today/));
    await page.getByRole('link', { name: 'Create a ticket' }).click();
    await isAt(page, '/tickets/new');
    await sees(page.getByRole('heading', { level: 1, name: 'You cannot open a ticket' }));
    await doesNotSee(page.locator('#title'));
    await fitsTheWidth(page, 'the page without a contract at 360 px');
    await screenshot(page, '91-no-contract-en-360');
    // His tickets are still his to follow.
    await page.getByRole('link', { name: 'View my tickets' }).click();
    await isAt(page, '/tickets');

    await switchToFrench(page);
    await visit(page, '/tickets/new');
    await sees(page.getByRole('heading', { level: 1, name: 'Ouverture de ticket impossible' }));
    await sees(page.getByText(/n'a pas de contrat d'assistance en cours de validité/));
    await screenshot(page, '92-no-contract-fr-360');
    noPageErrors(errors);
  } finally {
    await paul.close();
  }
});
