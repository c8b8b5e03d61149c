// Reply by email (seed 003): the customer answers the agent's question from her mailbox and the
// answer shows on the ticket; a mail to a forged ticket address creates nothing and waits for
// the support team on the "Mails rejetés" screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fillTicket, signIn, submitTicket, switchToEnglish, switchToFrench, visit, writeFollowup } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { rejectedMailsPage, ticketPage, words } from '../support/locators.js';
import { deliverToGuichet, replyToOf, waitForMail } from '../support/mail.js';

const stamp = Date.now().toString(36);
const title = `Scanner ${stamp} : lignes noires`;
const question = `Les lignes apparaissent-elles aussi en copie ? (${stamp})`;
const answer = `Oui, en copie comme en numérisation (${stamp}).`;

let claire;
let agent;
let number;

before(async () => {
  [claire, agent] = await Promise.all([openBrowser({ locale: 'fr-FR' }), openBrowser({ locale: 'fr-FR' })]);
  await visit(claire.page, '/login');
  await signIn(claire.page, accounts.customer);
  await isAt(claire.page, '/');
  await visit(agent.page, '/login');
  await signIn(agent.page, accounts.agent);
  await isAt(agent.page, '/');
});
after(async () => {
  await claire?.close();
  await agent?.close();
});

function reply(from, to, messageId, text) {
  return [
    `From: Claire Martin <${from}>`, `To: ${to}`, `Subject: Re: [${number}] ${title}`,
    `Message-ID: <${messageId}>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit', '', text, '',
    `Le sam. 21 nov. 2026 à 10:00, Guichet <support@guichet.test> a écrit :`, `> ${question}`, '',
  ].join('\r\n');
}

test("the customer's reply to the agent's mail becomes a message on the ticket", async () => {
  const { page, errors } = claire;
  await visit(page, '/tickets/new');
  await fillTicket(page, { title, description: 'Des lignes noires sur chaque page numérisée.' });
  await submitTicket(page);
  number = await isAtTicket(page);

  await visit(agent.page, `/tickets/${number}`);
  await sees(ticketPage(agent.page).heading(title));
  await writeFollowup(agent.page, question);

  const mail = await waitForMail(accounts.customer.email, question);
  const address = replyToOf(mail);
  assert.match(address, /^support\+t\d{8}\.\d{4,}\.[0-9a-f]{24}@guichet\.test$/);
  const outcome = await deliverToGuichet(reply(accounts.customer.email, address, `${stamp}.1@acme.test`, answer));
  assert.deepEqual(outcome, { outcome: 'followup', ticket: number, reason: null });
  // The same mail delivered twice counts once.
  const again = await deliverToGuichet(reply(accounts.customer.email, address, `${stamp}.1@acme.test`, answer));
  assert.equal(again.outcome, 'duplicate');

  await visit(page, `/tickets/${number}`);
  const ticket = ticketPage(page);
  await sees(ticket.event(answer));
  assert.equal(await ticket.event(answer).count(), 1);
  await sees(ticket.event(answer).getByText('Claire Martin'));
  await screenshot(page, '50-reply-by-mail');
  noPageErrors(errors);
});

test('a forged reply creates nothing and the support team finds it among the rejected mails', async () => {
  const forged = `support+${number.toLowerCase()}.${'0'.repeat(24)}@guichet.test`;
  const outcome = await deliverToGuichet(reply(accounts.customer.email, forged, `${stamp}.2@acme.test`, `Faux ${stamp}`));
  assert.deepEqual(outcome, { outcome: 'rejected', ticket: null, reason: 'bad_signature' });

  const { page, errors } = agent;
  const fr = rejectedMailsPage(page);
  await fr.nav.click();
  await isAt(page, '/rejected-mails');
  await sees(fr.heading);
  const row = fr.row(`Re: [${number}]`);
  await sees(row.filter({ hasText: fr.words.badSignature }));
  await sees(row.getByRole('button', { name: fr.words.download }));
  await screenshot(page, '51-rejected-mails');
  await switchToEnglish(page);
  const en = rejectedMailsPage(page, 'en');
  await sees(en.heading);
  await sees(en.row(`Re: [${number}]`).filter({ hasText: en.words.badSignature }));
  await switchToFrench(page);
  noPageErrors(errors);

  // Customers have no such screen.
  await visit(claire.page, '/rejected-mails');
  await sees(claire.page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
  assert.equal(await rejectedMailsPage(claire.page).nav.count(), 0);
});
