// A support provider onboards a new client company through the administration, as the README's
// "Running it for real" says (issue 14): the company with its service code, its contract
// covering one category, its equipment imported from a CSV file, two of its people invited; one
// of them sets a password from the mailed link and opens a ticket in the only category the
// contract covers; an agent finds it and works it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openAdministration, signIn, visit, writeFollowup } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { waitForLink } from '../support/mail.js';
import { companiesPage, newTicketForm, peoplePages, recoveryPages, ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const company = `Fonderie ${stamp}`;
const printer = `Imprimante atelier ${stamp}`;
const nina = { first: 'Nina', last: `Perrin-${stamp}`, email: `nina.${stamp}@fonderie.test` };
const marc = { first: 'Marc', last: `Lopez-${stamp}`, email: `marc.${stamp}@fonderie.test` };
const AGENT = 'Agnès Support';

let admin;
before(async () => {
  admin = await openBrowser({ locale: 'fr-FR' });
  await visit(admin.page, '/login');
  await signIn(admin.page, accounts.admin);
  await isAt(admin.page, '/');
});
after(async () => {
  await admin?.close();
});

/** Creates the company, trying other free service codes when one is already taken. */
async function createCompany(page) {
  const screen = companiesPage(page);
  await screen.name.fill(company);
  await screen.manager.selectOption({ index: 1 });
  await screen.phone.fill('03 84 00 00 00');
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await screen.code.fill(String(1000 + Math.floor(Math.random() * 9000)));
    await screen.create.click();
    const created = await page
      .waitForURL((url) => /^\/admin\/companies\/\d+$/.test(url.pathname), { timeout: 3000 })
      .then(() => true, () => false);
    if (created) return;
  }
  throw new Error('no free service code found');
}

async function invite(page, person, role) {
  const screen = peoplePages(page);
  await screen.firstName.fill(person.first);
  await screen.lastName.fill(person.last);
  await screen.email.fill(person.email);
  await screen.role.selectOption({ label: role });
  await screen.company.selectOption({ label: company });
  await screen.language.selectOption({ label: screen.words.french });
  await screen.sendInvitation.click();
  await sees(screen.invited(person.email));
}

test('from a new company to its first ticket worked, all through the screens', async () => {
  const { page, errors } = admin;
  // The company and its contract, covering "Lenteur" only.
  await openAdministration(page, 'companies');
  await createCompany(page);
  const companies = companiesPage(page);
  await sees(companies.companyHeading(company));
  await companies.newContract.click();
  await companies.contractName.fill('Assistance standard');
  await companies.level.selectOption('standard');
  await companies.starts.fill('2026-01-01');
  await companies.category('Lenteur').check();
  await companies.saveContract.click();
  await sees(companies.contractRow('Assistance standard').getByRole('cell', { name: 'Lenteur', exact: true }));

  // Its equipment, from a CSV file.
  await companies.csv.setInputFiles({
    name: 'parc.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`name,reference,kind,location\n${printer},IMP-${stamp},imprimante,Atelier\n`),
  });
  await companies.importButton.click();
  await sees(companies.notice(companies.words.imported(1)));
  await sees(companies.assetRow(printer));

  // Two of its people.
  await openAdministration(page, 'people');
  const people = peoplePages(page);
  await people.inviteLink.click();
  await invite(page, nina, people.words.customer);
  await invite(page, marc, people.words.referent);
  await screenshot(page, '110-onboarding-invited');
  noPageErrors(errors);

  // Nina sets her password from the mail and opens a ticket.
  const link = await waitForLink(nina.email, '/set-password');
  const title = `Impression très lente ${stamp}`;
  let number;
  const customer = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page: own } = customer;
    const r = recoveryPages(own);
    await own.goto(link);
    const password = `Fonderie-${stamp}-2026!`;
    await r.newPassword.fill(password);
    await r.confirmPassword.fill(password);
    await r.setSubmit.click();
    await isAt(own, '/login');
    await signIn(own, { email: nina.email, password });
    await isAt(own, '/');
    await visit(own, '/tickets/new');
    const form = newTicketForm(own);
    await form.incident.check();
    // Only what the contract covers is offered.
    await form.category.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    const offered = await form.category.locator('option[value]:not([value=""])').allTextContents();
    assert.deepEqual(offered.map((o) => o.trim()), ['Lenteur']);
    await form.category.selectOption({ label: 'Lenteur' });
    await form.urgency.selectOption('high');
    await form.title.fill(title);
    await form.description.fill("L'imprimante de l'atelier met dix minutes par page.");
    await form.submit.click();
    await isAtTicket(own);
    number = new URL(own.url()).pathname.split('/').pop();
    await screenshot(own, '111-onboarding-first-ticket');
    noPageErrors(customer.errors);
  } finally {
    await customer.close();
  }

  // An agent finds it and works it.
  const agent = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page: desk } = agent;
    await visit(desk, '/login');
    await signIn(desk, accounts.agent);
    await isAt(desk, '/');
    await visit(desk, `/tickets/${number}`);
    const ticket = ticketPage(desk);
    await sees(ticket.heading(title));
    await ticket.assignMe.click();
    await sees(ticket.event(`${AGENT} a attribué le ticket`));
    await writeFollowup(desk, 'Nous regardons le pilote de cette imprimante.');
    await sees(ticket.event('Nous regardons le pilote'));
    noPageErrors(agent.errors);
  } finally {
    await agent.close();
  }
});
