import { after, before, test } from 'node:test';

import {
  fillTicket, recordApi, signIn, submitTicket, switchToEnglish, switchToFrench, visit,
} from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import {
  fieldHasError, isAt, isAtTicket, noPageErrors, noSuccessfulRequest, sees,
} from '../support/checks.js';
import { accounts, words } from '../support/index.js';
import {
  landingPage, newTicketForm, ticketList, ticketPage, words as texts,
} from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
  await landingPage(browser.page).tickets.click();
  await isAt(browser.page, '/tickets');
});
after(async () => {
  await browser?.close();
});

test('an empty form shows the errors of title and description, and sends nothing', async () => {
  const { page } = browser;
  const answers = recordApi(page);
  await ticketList(page).newTicket.click();
  await isAt(page, '/tickets/new');
  const form = newTicketForm(page);
  await sees(form.heading);
  await submitTicket(page);

  await fieldHasError(form.title, words.fr.required);
  await fieldHasError(form.description, words.fr.required);
  await fieldHasError(form.category, words.fr.required);
  await sees(form.summary.getByText('Titre : Ce champ est obligatoire.'));
  noSuccessfulRequest(answers, 'POST', '/api/v1/tickets');
  await screenshot(page, '06-new-ticket-errors');
});

test('a ticket created through the form shows in my list and can be searched', async () => {
  const { page, errors } = browser;
  const word = `Imprimante${Date.now().toString(36)}`;
  const title = `${word} bloquée au deuxième étage`;
  await visit(page, '/tickets/new');
  await fillTicket(page, { title, description: 'Elle affiche « bourrage papier » sans papier coincé.' });
  await screenshot(page, '07-new-ticket-filled');
  await submitTicket(page);

  // The new ticket's page says it was created; the list links to it.
  const number = await isAtTicket(page);
  await sees(page.getByRole('status').filter({ hasText: words.fr.created }));
  await sees(ticketPage(page).heading(title));
  await screenshot(page, '08-ticket-created');
  await visit(page, '/tickets');
  const list = ticketList(page);
  await sees(list.row(title));
  await sees(list.row(title).getByRole('link', { name: number }));

  await list.search.fill(word.toUpperCase());
  await list.searchSubmit.click();
  await sees(list.row(title));
  await page.getByRole('row').nth(2).waitFor({ state: 'detached' });
  noPageErrors(errors);
});

test('the list reads as cards on a 360 px screen', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 360, height: 740 });
  await visit(page, '/tickets');
  await sees(ticketList(page).table);
  await screenshot(page, '09-tickets-360px');
});

test('switching the language while signed in translates the list and is saved on the profile', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 1280, height: 900 });
  await visit(page, '/tickets');
  await sees(ticketList(page).table);
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH' && r.ok());
  await switchToEnglish(page);
  await saved;
  await sees(page.getByRole('heading', { level: 1, name: texts.en.ticketsHeading }));
  await sees(page.getByRole('columnheader', { name: 'Updated' }));
  await screenshot(page, '13-tickets-en');

  await switchToFrench(page);
  await sees(ticketList(page).heading);
});
