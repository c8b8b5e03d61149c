// The life of a ticket, from both sides of the counter: Claire (customer) and the agent, each in
// a browser of their own, against the real server and its demo data.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  approveSolution, fillTicket, proposeSolution, rate, recordApi, rejectSolution, signIn,
  submitTicket, switchToEnglish, switchToFrench, visit, writeFollowup,
} from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import {
  doesNotSee, fieldHasError, isAt, isAtTicket, noPageErrors, noSuccessfulRequest, sees,
} from '../support/checks.js';
import { accounts } from '../support/env.js';
import { newTicketForm, ticketList, ticketPage, words } from '../support/locators.js';

const w = words.fr;
const stamp = Date.now().toString(36);
const title = `Imprimante ${stamp} : bourrage permanent`;
const logFile = { name: 'journal-imprimante.txt', mimeType: 'text/plain', buffer: Buffer.from('E-204 paper jam\n'.repeat(64)) };
const question = `Quel est le modèle exact de l'imprimante ? (${stamp})`;
const internalNote = `Bug connu du pilote 4.2, ne pas le dire au client (${stamp})`;
const answer = `C'est une LaserJet M404 (${stamp})`;
const firstSolution = `Réinstallez le pilote 4.3 (${stamp})`;
const rejection = `Le pilote 4.3 ne change rien (${stamp})`;
const secondSolution = `Le rouleau d'entraînement a été remplacé (${stamp})`;

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

/** Shows the latest state of the ticket to one of them. */
async function open(browser) {
  await visit(browser.page, `/tickets/${number}`);
  await sees(ticketPage(browser.page).heading(title));
}

async function statusIs(page, label) {
  await sees(ticketPage(page).status.filter({ hasText: new RegExp(`^${label}$`) }));
}

test('a file over 2 MB is refused in the form, before anything is sent', async () => {
  const { page } = claire;
  const answers = recordApi(page);
  await visit(page, '/tickets/new');
  const form = newTicketForm(page);
  await form.files.setInputFiles({ name: 'trop-gros.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
  await fieldHasError(form.files, w.tooLarge);
  await fillTicket(page, { title: `Trop gros ${stamp}`, description: 'Un fichier de plus de 2 Mo.' });
  await submitTicket(page);
  await fieldHasError(form.files, w.tooLarge);
  noSuccessfulRequest(answers, 'POST', '/api/v1/tickets');
});

test('Claire opens a ticket with a file through the form', async () => {
  const { page, errors } = claire;
  await visit(page, '/tickets/new');
  await fillTicket(page, { title, description: "L'imprimante du 2e étage affiche « bourrage » sans papier coincé." });
  await newTicketForm(page).files.setInputFiles(logFile);
  await sees(page.getByText(`${logFile.name} (1 Ko)`));
  await screenshot(page, '24-new-ticket-with-file');
  await submitTicket(page);

  number = await isAtTicket(page);
  const ticket = ticketPage(page);
  await sees(ticket.heading(title));
  await sees(page.getByRole('status').filter({ hasText: w.created }));
  await statusIs(page, 'Nouveau');
  await sees(ticket.download(logFile.name));
  await sees(ticket.event(`a joint le fichier ${logFile.name}`));
  noPageErrors(errors);
});

test('a customer of another company gets the not-found page', async () => {
  const paul = await openBrowser({ locale: 'fr-FR' });
  try {
    await visit(paul.page, '/login');
    await signIn(paul.page, accounts.otherCompany);
    await isAt(paul.page, '/');
    await visit(paul.page, `/tickets/${number}`);
    // Paul reads English (his profile's language).
    await sees(paul.page.getByRole('heading', { level: 1, name: words.en.notFoundHeading }));
    await doesNotSee(paul.page.getByText(title));
  } finally {
    await paul.close();
  }
});

test('the agent finds it in the list of all tickets, downloads the file, asks a question and waits', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets');
  const list = ticketList(page);
  await sees(list.scopeAll.and(page.locator(':checked')));
  await list.link(number).click();
  await isAt(page, `/tickets/${number}`);
  const ticket = ticketPage(page);
  await sees(ticket.heading(title));

  const download = page.waitForEvent('download');
  await ticket.download(logFile.name).click();
  assert.equal((await download).suggestedFilename(), logFile.name);

  await ticket.assignMe.click();
  await sees(ticket.details.getByText('Agnès Support', { exact: true }));
  await doesNotSee(ticket.assignMe);
  await writeFollowup(page, question);
  await statusIs(page, 'En cours');
  await ticket.setStatus('En attente').click();
  await statusIs(page, 'En attente');
  await writeFollowup(page, internalNote, { internal: true });
  await sees(ticket.event(internalNote).getByText('Note interne', { exact: true }));
  await screenshot(page, '25-ticket-agent-waiting');
  noPageErrors(errors);
});

test('a change based on an outdated ticket is refused, said, and the ticket reloaded', async () => {
  const { page, context } = agent;
  const other = await context.newPage();
  try {
    await visit(other, `/tickets/${number}`);
    const there = ticketPage(other);
    await there.impact.selectOption('high');
    await there.changeImpact.click();
    await sees(there.event('en « Haute »'));
  } finally {
    await other.close();
  }
  // This page still holds the ETag from before that change.
  const ticket = ticketPage(page);
  await ticket.impact.selectOption('very_high');
  await ticket.changeImpact.click();
  await sees(ticket.notice.getByText(w.stale));
  await sees(ticket.event('en « Haute »'));
  // The select shows the impact as it is now, not the refused choice.
  await page.waitForFunction(() => document.querySelector('#agent-impact')?.value === 'high');
});

test('Claire sees the question but never the internal note, and her answer puts the ticket back in progress', async () => {
  const { page, errors } = claire;
  await open(claire);
  const ticket = ticketPage(page);
  await statusIs(page, 'En attente');
  await sees(ticket.event(question));
  await doesNotSee(page.getByText(internalNote));
  await doesNotSee(page.getByText('Note interne'));
  await writeFollowup(page, answer);
  await statusIs(page, 'En cours');
  noPageErrors(errors);
});

test('the agent proposes a solution; Claire rejects it with a reason', async () => {
  await open(agent);
  await sees(ticketPage(agent.page).event(answer));
  await proposeSolution(agent.page, firstSolution);
  await statusIs(agent.page, 'Résolu');

  const { page } = claire;
  await open(claire);
  const ticket = ticketPage(page);
  await sees(ticket.solutionHeading);
  await sees(ticket.event(firstSolution));
  await screenshot(page, '26-ticket-customer-solution');
  // A rejection needs its reason.
  await ticket.reject.click();
  await fieldHasError(ticket.rejectReason, w.required);
  await rejectSolution(page, rejection);
  await statusIs(page, 'En cours');
  await sees(ticket.event(rejection));
  await doesNotSee(ticket.solutionHeading);
});

test('Claire shares the ticket with a colleague, then stops sharing it', async () => {
  const { page } = claire;
  const ticket = ticketPage(page);
  await ticket.shareWith.fill('remi@acme.test');
  await ticket.share.click();
  await sees(ticket.unshare('remi@acme.test'));
  await sees(ticket.event('a partagé le ticket avec remi@acme.test'));
  await ticket.unshare('remi@acme.test').click();
  await doesNotSee(ticket.unshare('remi@acme.test'));
  await sees(ticket.event('a retiré le partage avec remi@acme.test'));
});

test('the agent proposes again; Claire approves, rates it 5 and the ticket is closed', async () => {
  await open(agent);
  await proposeSolution(agent.page, secondSolution);
  await statusIs(agent.page, 'Résolu');

  const { page, errors } = claire;
  await open(claire);
  const ticket = ticketPage(page);
  await approveSolution(page, 'Tout fonctionne, merci.');
  await statusIs(page, 'Clos');
  await doesNotSee(ticket.message);
  await rate(page, 5, 'Rapide et efficace.');
  await sees(ticket.notice.getByText('Merci pour votre avis.'));
  await sees(ticket.details.getByText('5 sur 5 — Rapide et efficace.'));
  await doesNotSee(ticket.rate);
  await sees(ticket.event('a donné la note de 5 sur 5'));
  await statusIs(page, 'Clos');
  noPageErrors(errors);
});

test('Claire attaches a file from the ticket page and withdraws a ticket; the agent reopens it', async () => {
  const { page, errors } = claire;
  const otherTitle = `Écran ${stamp} qui clignote`;
  await visit(page, '/tickets/new');
  await fillTicket(page, { title: otherTitle, description: "L'écran clignote puis se rétablit." });
  await submitTicket(page);
  const other = await isAtTicket(page);
  const ticket = ticketPage(page);
  await sees(ticket.heading(otherTitle));

  await ticket.attachFile.setInputFiles({ name: 'photo-ecran.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(300 * 1024, 1) });
  await ticket.attach.click();
  await sees(ticket.download('photo-ecran.jpg'));
  await sees(ticket.event('a joint le fichier photo-ecran.jpg (300 Ko)'));

  await ticket.withdraw.click();
  await fieldHasError(ticket.withdrawReason, w.required);
  await ticket.withdrawReason.fill("Le problème a disparu après un redémarrage.");
  await ticket.withdraw.click();
  await statusIs(page, 'Clos');
  await sees(ticket.event('a fermé le ticket'));
  await doesNotSee(ticket.message);
  noPageErrors(errors);

  await visit(agent.page, `/tickets/${other}`);
  const there = ticketPage(agent.page);
  await there.reopenReason.fill('Le client rappelle : le problème est revenu.');
  await there.reopen.click();
  await statusIs(agent.page, 'En cours');
  await sees(there.event('a rouvert le ticket'));
});

/** Screenshots the page in English, then goes back to French (the profile keeps the choice). */
async function inEnglish(browser, name) {
  await switchToEnglish(browser.page);
  try {
    await sees(browser.page.getByRole('region', { name: words.en.history, exact: true }));
    await sees(ticketPage(browser.page).status.filter({ hasText: /^Closed$/ }));
    await screenshot(browser.page, name);
  } finally {
    await switchToFrench(browser.page);
  }
  await statusIs(browser.page, 'Clos');
}

test('the ticket page in both languages, for the customer and for the agent', async () => {
  await open(claire);
  await screenshot(claire.page, '20-ticket-customer-fr');
  await inEnglish(claire, '21-ticket-customer-en');

  await open(agent);
  // A closed ticket may be reopened by the agent, with a reason.
  await sees(ticketPage(agent.page).reopen);
  await sees(ticketPage(agent.page).event(internalNote));
  await screenshot(agent.page, '22-ticket-agent-fr');
  await inEnglish(agent, '23-ticket-agent-en');
});

test('the printed ticket keeps its content and drops the controls', async () => {
  const { page } = claire;
  await open(claire);
  await sees(page.getByRole('button', { name: 'Imprimer le ticket' }));
  await page.emulateMedia({ media: 'print' });
  try {
    await doesNotSee(page.getByRole('banner'));
    await doesNotSee(page.getByRole('button', { name: 'Imprimer le ticket' }));
    await sees(ticketPage(page).heading(title));
    await sees(ticketPage(page).event(answer));
    await screenshot(page, '27-ticket-print');
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
});
