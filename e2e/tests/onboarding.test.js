// A support provider's first start, as the README's "Running it for real" says (issue 14): a
// server without demo data, `guichet admin create`, and from there only the screens. The
// administrator sets a password from the printed link, builds a category tree, creates a client
// company with its service code, a contract covering one category and its equipment imported
// from a CSV file, invites two of its people and an agent. One customer sets a password from
// the mailed link and opens a ticket in the only category the contract covers; the agent sets
// theirs, takes the ticket and answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openAdministration, signIn, visit, writeFollowup } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { waitForLink } from '../support/mail.js';
import { companiesPage, newTicketForm, peoplePages, recoveryPages, ticketPage } from '../support/locators.js';
import { startFreshServer } from '../support/server.js';

const company = 'Fonderie du Rhin';
const printer = 'Imprimante atelier';
const ana = { first: 'Ana', last: 'Dupont', email: 'ana@prestataire.test' };
const nina = { first: 'Nina', last: 'Perrin', email: 'nina@fonderie.test' };
const marc = { first: 'Marc', last: 'Lopez', email: 'marc@fonderie.test' };
const alex = { first: 'Alex', last: 'Martin', email: 'alex@prestataire.test' };

let server;
const browsers = [];
before(async () => {
  server = await startFreshServer();
});
after(async () => {
  try {
    for (const browser of browsers) await browser.close();
  } finally {
    await server?.stop();
  }
});

async function browser() {
  const opened = await openBrowser({ locale: 'fr-FR', base: server.base });
  browsers.push(opened);
  return opened;
}

/** Follows a set-password link, chooses a password and signs in with it. */
async function setPasswordAndSignIn(page, link, email) {
  const r = recoveryPages(page);
  await page.goto(link);
  const password = `Premier-depart-${email.split('@')[0]}-2026!`;
  await r.newPassword.fill(password);
  await r.confirmPassword.fill(password);
  await r.setSubmit.click();
  await isAt(page, '/login');
  await signIn(page, { email, password });
  await isAt(page, '/');
}

async function addCategory(page, fr, en, { parent, kind } = {}) {
  await page.getByRole('textbox', { name: /^Nom en français/ }).fill(fr);
  await page.getByRole('textbox', { name: /^Nom en anglais/ }).fill(en);
  if (parent) await page.getByRole('combobox', { name: 'Sous' }).selectOption({ label: parent });
  if (kind) await page.getByRole('combobox', { name: 'Pour les tickets de type' }).selectOption({ label: kind });
  await page.getByRole('button', { name: 'Ajouter la catégorie' }).click();
  await sees(page.getByText(`${fr} · ${en}`, { exact: true }));
}

async function invite(page, person, role, companyName) {
  const screen = peoplePages(page);
  await screen.firstName.fill(person.first);
  await screen.lastName.fill(person.last);
  await screen.email.fill(person.email);
  // The support team belongs to no client company.
  await screen.company.selectOption(companyName ? { label: companyName } : { value: '' });
  await screen.role.selectOption({ label: role });
  await screen.sendInvitation.click();
  await sees(screen.invited(person.email));
}

test('from guichet admin create to a first ticket worked, through the screens only', async () => {
  // The first administrator, from the command line.
  const printed = await server.guichet('admin', 'create', '--email', ana.email, '--first-name', ana.first, '--last-name', ana.last);
  const adminLink = printed.trim();
  assert.match(adminLink, new RegExp(`^${server.base}/set-password#token=`));
  const admin = await browser();
  const { page } = admin;
  await setPasswordAndSignIn(page, adminLink, ana.email);

  // The category tree: a fresh install has none of its own.
  await openAdministration(page, 'categories');
  await addCategory(page, 'Matériel', 'Hardware', { kind: 'Incident' });
  await addCategory(page, 'Imprimantes', 'Printers', { parent: 'Matériel' });
  await addCategory(page, 'Postes de travail', 'Workstations', { parent: 'Matériel' });

  // The company, its contract covering the printers only, its equipment.
  await openAdministration(page, 'companies');
  const companies = companiesPage(page);
  await companies.name.fill(company);
  await companies.code.fill('4321');
  await companies.manager.selectOption({ label: `${ana.first} ${ana.last}` });
  await companies.phone.fill('03 88 00 00 00');
  await companies.create.click();
  await sees(companies.companyHeading(company));
  await companies.newContract.click();
  await companies.contractName.fill('Assistance standard');
  await companies.level.selectOption('standard');
  await companies.starts.fill('2026-01-01');
  await companies.category('Imprimantes').check();
  await companies.saveContract.click();
  await sees(companies.contractRow('Assistance standard').getByRole('cell', { name: 'Imprimantes', exact: true }));
  await companies.csv.setInputFiles({
    name: 'parc.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`name,reference,kind,location\n${printer},IMP-0001,imprimante,Atelier\n`),
  });
  await companies.importButton.click();
  await sees(companies.notice(companies.words.imported(1)));
  await sees(companies.assetRow(printer));

  // Two of its people, and an agent of the provider.
  await openAdministration(page, 'people');
  const people = peoplePages(page);
  await people.inviteLink.click();
  await invite(page, nina, people.words.customer, company);
  await invite(page, marc, people.words.referent, company);
  await invite(page, alex, people.words.agent);
  await screenshot(page, '110-onboarding-invited');
  noPageErrors(admin.errors);

  // Nina sets her password from the mail and opens a ticket: only the printers are offered.
  const customer = await browser();
  await setPasswordAndSignIn(customer.page, await waitForLink(nina.email, '/set-password', { dataDir: server.dataDir }), nina.email);
  await visit(customer.page, '/tickets/new');
  const form = newTicketForm(customer.page);
  await form.incident.check();
  await form.category.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
  const offered = await form.category.locator('option[value]:not([value=""])').allTextContents();
  assert.deepEqual(offered.map((o) => o.trim()), ['Imprimantes']);
  await form.category.selectOption({ label: 'Imprimantes' });
  await form.urgency.selectOption('high');
  const title = "L'imprimante de l'atelier n'imprime plus";
  await form.title.fill(title);
  await form.description.fill('Le voyant clignote orange depuis ce matin.');
  await form.submit.click();
  await isAtTicket(customer.page);
  const number = new URL(customer.page.url()).pathname.split('/').pop();
  await screenshot(customer.page, '111-onboarding-first-ticket');
  noPageErrors(customer.errors);

  // The agent sets a password from the mail, takes the ticket and answers.
  const agent = await browser();
  await setPasswordAndSignIn(agent.page, await waitForLink(alex.email, '/set-password', { dataDir: server.dataDir }), alex.email);
  await visit(agent.page, `/tickets/${number}`);
  const ticket = ticketPage(agent.page);
  await sees(ticket.heading(title));
  await ticket.assignMe.click();
  await sees(ticket.event(`${alex.first} ${alex.last} a attribué le ticket`));
  await writeFollowup(agent.page, 'Nous passons changer la cartouche de toner cet après-midi.');
  await sees(ticket.event('changer la cartouche'));
  noPageErrors(agent.errors);
});
