// An agent takes a call and opens the ticket for the caller (issue 14): for a new caller, who
// gets a customer account with the ticket, and for a customer found by a search. The ticket's
// history says who opened it for whom, by phone, and the agent works it at once. In French, in
// English and on a phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fillTicket, recordApi, signIn, submitTicket, switchToEnglish, switchToFrench, visit, writeFollowup } from '../support/actions.js';
import { accessToken, findUsers, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, fitsTheWidth, isAt, isAtTicket, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { newTicketForm, requesterPicker, ticketPage, words } from '../support/locators.js';

const stamp = Date.now().toString(36);
const caller = { first: 'Inès', last: `Morel-${stamp}`, email: `ines.${stamp}@acme.test`, phone: '03 89 00 12 34' };
const AGENT = 'Agnès Support';

let agent;
before(async () => {
  agent = await openBrowser({ locale: 'fr-FR' });
  await visit(agent.page, '/login');
  await signIn(agent.page, accounts.agent);
  await isAt(agent.page, '/');
});
after(async () => {
  try {
    // The English part switches the agent's profile language: French again for other files.
    await updateProfile(accounts.agent, { locale: 'fr' });
  } finally {
    await agent?.close();
  }
});

test('without a requester the form names what is missing, and sends nothing', async () => {
  const { page, errors } = agent;
  const answers = recordApi(page);
  await visit(page, '/tickets/new');
  const form = newTicketForm(page);
  const picker = requesterPicker(page);
  await sees(form.heading);
  await sees(picker.existing);
  assert.equal(await picker.channel.inputValue(), 'phone');
  await form.submit.click();
  await fieldHasError(picker.search, words.fr.required);
  await fieldHasError(form.title, words.fr.required);
  await sees(picker.search.and(page.locator(':focus')));
  // A new caller needs an address and a company.
  await picker.newCaller.check();
  await picker.email.fill('ines@');
  await form.submit.click();
  await fieldHasError(picker.firstName, words.fr.required);
  await fieldHasError(picker.email, "Cette adresse e-mail n'est pas valide.");
  await fieldHasError(picker.company, words.fr.required);
  noSuccessfulRequest(answers, 'POST', '/api/v1/tickets');
  await screenshot(page, '100-phone-ticket-errors');
  noPageErrors(errors);
});

test('a new caller gets an account and a ticket opened for them by phone, which the agent then takes', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets/new');
  const picker = requesterPicker(page);
  await picker.newCaller.check();
  await picker.firstName.fill(caller.first);
  await picker.lastName.fill(caller.last);
  await picker.email.fill(caller.email);
  await picker.company.selectOption({ label: 'Acme Industrie' });
  await picker.phone.fill(caller.phone);
  const title = `Imprimante bloquée ${stamp}`;
  await fillTicket(page, { title, description: "L'imprimante du 2e étage affiche une erreur." });
  await screenshot(page, '101-phone-ticket-new-caller');
  await submitTicket(page);
  await isAtTicket(page);
  const ticket = ticketPage(page);
  await sees(ticket.heading(title));
  await sees(ticket.event(`${AGENT} a ouvert le ticket pour ${caller.first} ${caller.last} par téléphone.`));

  await ticket.assignMe.click();
  await sees(ticket.event(`${AGENT} a attribué le ticket`));
  await writeFollowup(page, 'Nous passons dans la matinée.');
  noPageErrors(errors);

  // The caller has a customer account of Acme now.
  const found = await findUsers(await accessToken(accounts.agent), caller.email);
  assert.equal(found.items.length, 1);
  assert.equal(found.items[0].role, 'customer');
  assert.equal(found.items[0].company_name, 'Acme Industrie');
  assert.equal(found.items[0].office_phone, caller.phone);
});

test('an existing customer found by a search, chosen with the keyboard', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets/new');
  const picker = requesterPicker(page);
  await picker.search.fill('claire');
  await page.keyboard.press('Enter');
  const result = picker.result('claire@acme.test');
  await sees(result);
  await sees(result.filter({ hasText: 'Acme Industrie' }));
  await screenshot(page, '102-phone-ticket-search');
  await result.focus();
  await page.keyboard.press('Enter');
  // The keyboard goes on from the choice: its "change" button has the focus, and gives it
  // back to the search.
  await sees(picker.change.and(page.locator(':focus')));
  await sees(page.getByText('Claire Martin — claire@acme.test — Acme Industrie'));
  await page.keyboard.press('Enter');
  await sees(picker.search.and(page.locator(':focus')));
  await picker.search.fill('claire');
  await page.keyboard.press('Enter');
  await result.focus();
  await page.keyboard.press('Enter');
  await sees(picker.change);
  const title = `Messagerie lente ${stamp}`;
  await fillTicket(page, { title, description: 'Les mails mettent dix minutes à arriver.' });
  await submitTicket(page);
  await isAtTicket(page);
  const ticket = ticketPage(page);
  await sees(ticket.event(`${AGENT} a ouvert le ticket pour Claire Martin par téléphone.`));
  await ticket.assignMe.click();
  await sees(ticket.event(`${AGENT} a attribué le ticket`));
  await screenshot(page, '103-phone-ticket-page');
  noPageErrors(errors);

  // A search that finds nobody says so.
  await visit(page, '/tickets/new');
  await picker.search.fill(`personne-${stamp}`);
  await picker.searchButton.click();
  await sees(page.getByText(picker.words.none));
});

test('the form and the history in English', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets/new');
  await switchToEnglish(page);
  try {
    const picker = requesterPicker(page, 'en');
    await sees(picker.existing);
    await picker.search.fill('paul');
    await picker.searchButton.click();
    await picker.result('paul@boreal.test').click();
    await sees(picker.change);
    await picker.channel.selectOption({ label: 'Mail' });
    await page.getByRole('radio', { name: /^Incident/ }).check();
    const category = page.getByRole('combobox', { name: 'Category' });
    await category.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    await category.selectOption({ index: 1 });
    await page.getByRole('textbox', { name: 'Title' }).fill(`Invoice missing ${stamp}`);
    await page.getByRole('textbox', { name: 'Description' }).fill('The November invoice never came.');
    await screenshot(page, '104-phone-ticket-en');
    await page.getByRole('button', { name: 'Create the ticket', exact: true }).click();
    await isAtTicket(page);
    await sees(ticketPage(page, 'en').event(`${AGENT} opened the ticket for Paul Tremblay.`));
    noPageErrors(errors);
  } finally {
    await switchToFrench(page);
  }
});

test('on a 360 px phone the form fits the width', async () => {
  const { page, errors } = agent;
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    await visit(page, '/tickets/new');
    const picker = requesterPicker(page);
    await picker.search.fill('acme');
    await picker.searchButton.click();
    await sees(picker.result('claire@acme.test'));
    await fitsTheWidth(page, 'new ticket, search results');
    await screenshot(page, '105-phone-ticket-360px');
    await picker.newCaller.check();
    await sees(picker.company);
    await fitsTheWidth(page, 'new ticket, new caller');
    noPageErrors(errors);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("a customer's form has no requester", async () => {
  const claire = await openBrowser({ locale: 'fr-FR' });
  try {
    await visit(claire.page, '/login');
    await signIn(claire.page, accounts.customer);
    await isAt(claire.page, '/');
    await visit(claire.page, '/tickets/new');
    await sees(newTicketForm(claire.page).heading);
    assert.equal(await requesterPicker(claire.page).existing.count(), 0);
    assert.equal(await requesterPicker(claire.page).channel.count(), 0);
  } finally {
    await claire.close();
  }
});
