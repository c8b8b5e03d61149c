// The support team's screens in English and on a 360 px phone (queue.test.js, ticket_life.test.js
// and reply_by_mail.test.js cover them in French on a desktop): the queue and its filters, the
// handling panel of a ticket (internal note, assignment, status, impact) and the rejected mails.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fillTicket, signIn, submitTicket, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { rejectedMailsPage, ticketList, ticketPage } from '../support/locators.js';
import { deliverToGuichet } from '../support/mail.js';

const stamp = Date.now().toString(36);
const title = `Scanner ${stamp}: paper jam on every page`;
const note = `Known driver bug, check the firmware first (${stamp})`;
const stranger = `someone-${stamp}@example.test`;
const PHONE = { width: 360, height: 740 };

// The queue's and the ticket page's words in English.
const en = {
  company: 'Company', assignee: 'Assigned to', priority: 'Priority', urgency: 'Urgency', any: 'Any',
  noTickets: 'No matching tickets.', message: 'Your message', internal: /^Internal note/,
  send: 'Send the message', internalBadge: 'Internal note', assignMe: 'Assign to me',
  setStatus: (status) => `Set to “${status}”`, impact: 'Impact', changeImpact: 'Change the impact',
  handling: 'Handling', details: 'Details', filters: 'Filters',
};

let agent;
let number;
before(async () => {
  // Claire opens the ticket the agent handles here, so that no demo ticket changes.
  const claire = await openBrowser({ locale: 'fr-FR' });
  try {
    await visit(claire.page, '/login');
    await signIn(claire.page, accounts.customer);
    await isAt(claire.page, '/');
    await visit(claire.page, '/tickets/new');
    await fillTicket(claire.page, { title, description: 'The scanner jams on every page since this morning.' });
    await submitTicket(claire.page);
    number = await isAtTicket(claire.page);
  } finally {
    await claire.close();
  }
  agent = await openBrowser({ locale: 'en-US', viewport: PHONE });
  await visit(agent.page, '/login');
  await signIn(agent.page, accounts.agent, 'en');
  await isAt(agent.page, '/');
  // The agent's profile says French: switch the interface (and the profile) to English.
  await switchToEnglish(agent.page);
});
after(async () => {
  try {
    // Other test files expect the agent in French.
    await updateProfile(accounts.agent, { locale: 'fr' });
  } finally {
    await agent?.close();
  }
});

/** Every cell of one column of the queue (a label of the cards on a phone) reads `text`. */
async function columnIs(page, label, text) {
  await page.waitForFunction(
    ([label, text]) => {
      const cells = [...document.querySelectorAll(`td[data-label="${label}"]`)];
      return cells.length > 0 && cells.every((td) => td.innerText.trim() === text);
    },
    [label, text],
  );
}

test('the queue and its filters, in English on a phone', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets');
  await sees(ticketList(page).table);
  // On a phone the queue's filters fold behind one button.
  await page.getByRole('button', { name: en.filters, exact: true }).click();
  const company = page.getByRole('combobox', { name: en.company, exact: true });
  const assignee = page.getByRole('combobox', { name: en.assignee, exact: true });
  const priority = page.getByRole('combobox', { name: en.priority, exact: true });
  const urgency = page.getByRole('combobox', { name: en.urgency, exact: true });

  await company.selectOption({ label: 'Boréal Transports' });
  await columnIs(page, en.company, 'Boréal Transports');
  await fitsTheWidth(page, 'queue, one company');
  await screenshot(page, '90-queue-en-360px');

  await company.selectOption({ label: en.any });
  await assignee.selectOption({ label: 'Agnès Support' });
  await columnIs(page, en.assignee, 'Agnès Support');
  await assignee.selectOption({ label: en.any });
  // The demo's packet loss on Boréal's warehouse link: a very high urgency, a medium impact.
  await priority.selectOption({ label: '4 of 5' });
  await columnIs(page, en.priority, '4 of 5');
  await urgency.selectOption({ label: 'Very low' });
  // Priority 4 needs at least a medium urgency: nothing is left.
  await sees(page.getByText(en.noTickets));
  await fitsTheWidth(page, 'queue, nothing left');
  noPageErrors(errors);
});

test("the ticket's handling panel, in English on a phone: internal note, assignment, status, impact", async () => {
  const { page, errors } = agent;
  await visit(page, `/tickets/${number}`);
  const ticket = ticketPage(page, 'en');
  await sees(ticket.heading(title));
  await sees(page.getByRole('heading', { level: 2, name: en.handling }));
  await fitsTheWidth(page, 'ticket page');

  await page.getByRole('textbox', { name: en.message }).fill(note);
  await page.getByRole('checkbox', { name: en.internal }).check();
  await page.getByRole('button', { name: en.send }).click();
  await sees(ticket.event(note).getByText(en.internalBadge, { exact: true }));

  await page.getByRole('button', { name: en.assignMe }).click();
  await sees(page.getByRole('region', { name: en.details, exact: true }).getByText('Agnès Support', { exact: true }));
  // A choice not applied yet survives the reload that another change of the ticket brings.
  await page.getByRole('combobox', { name: en.impact, exact: true }).selectOption('high');
  await page.getByRole('button', { name: en.setStatus('Waiting') }).click();
  await sees(ticket.status.filter({ hasText: /^Waiting$/ }));
  await sees(ticket.event('to “Waiting”'));
  await page.getByRole('button', { name: en.changeImpact }).click();
  await sees(ticket.event('to “High”'));
  await fitsTheWidth(page, 'ticket page, handled');
  await screenshot(page, '91-ticket-agent-en-360px');
  noPageErrors(errors);
});

test('the rejected mails, in English on a phone', async () => {
  const outcome = await deliverToGuichet([
    `From: Someone <${stranger}>`, 'To: support@guichet.test', `Subject: Scanner ${stamp}`,
    `Message-ID: <${stamp}.agent-screens@example.test>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '', 'Our scanner is broken.', '',
  ].join('\r\n'));
  assert.deepEqual(outcome, { outcome: 'rejected', ticket: null, reason: 'unknown_sender' });

  const { page, errors } = agent;
  const screen = rejectedMailsPage(page, 'en');
  await visit(page, '/');
  await screen.nav.click();
  await isAt(page, '/rejected-mails');
  await sees(screen.heading);
  const mail = page.locator('tr').filter({ hasText: stranger });
  await sees(mail.getByText('Unknown sender', { exact: true }));
  await sees(mail.getByRole('button', { name: screen.words.download }));
  await fitsTheWidth(page, 'rejected mails');
  await screenshot(page, '92-rejected-mails-en-360px');
  noPageErrors(errors);
});

test('the same screens in French on a phone', async () => {
  const { page, errors } = agent;
  await switchToFrench(page);
  await visit(page, '/tickets');
  await page.getByRole('button', { name: 'Filtres', exact: true }).click();
  await sees(page.getByRole('combobox', { name: 'Société', exact: true }));
  await sees(ticketList(page).table);
  await fitsTheWidth(page, 'queue');
  await screenshot(page, '93-queue-360px');

  await visit(page, `/tickets/${number}`);
  await sees(ticketPage(page).event(note).getByText('Note interne', { exact: true }));
  await sees(ticketPage(page).setStatus('En cours'));
  await fitsTheWidth(page, 'ticket page');
  await screenshot(page, '94-ticket-agent-360px');

  await visit(page, '/rejected-mails');
  const screen = rejectedMailsPage(page);
  await sees(page.locator('tr').filter({ hasText: stranger }).getByText('Expéditeur inconnu', { exact: true }));
  await sees(screen.heading);
  await fitsTheWidth(page, 'rejected mails');
  await screenshot(page, '95-rejected-mails-360px');
  noPageErrors(errors);
});
