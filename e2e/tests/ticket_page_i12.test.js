// Issue 12, the rest of the ticket page: the requester chooses the ticket's mails there; agents
// assign the ticket to anyone of the team or to nobody, and the history says who did what
// (unassignments, and the customer's answer moving the ticket back to work).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, addFollowup, createTicket, get, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 900 };

const words = {
  fr: {
    heading: 'Notifications', notify: "M'informer des suites", address: 'Adresse de notification',
    save: 'Enregistrer', saved: 'Vos notifications ont été enregistrées.',
    badAddress: "Cette adresse e-mail n'est pas valide.",
    assignTo: 'Attribuer à', unassigned: 'Non attribué', change: "Changer l'attribution",
    assignedTo: (name) => `Attribué à\u00a0: ${name}`, updated: 'Le ticket a été mis à jour.',
    assignedEvent: 'Agnès Support a attribué le ticket à Agnès Support.',
    unassignedEvent: 'Ticket désattribué par Agnès Support.',
    answered: 'Claire Martin a fait passer le ticket de «\u00a0En attente\u00a0» à «\u00a0En cours\u00a0».',
    waiting: 'Passer à «\u00a0En attente\u00a0»',
  },
  en: {
    heading: 'Notifications', notify: 'Notify me', address: 'Notification address',
    save: 'Save', saved: 'Your notification choice has been saved.',
    badAddress: 'This email address is not valid.',
    assignTo: 'Assign to', unassigned: 'Unassigned', change: 'Change the assignment',
    assignedTo: (name) => `Assigned to: ${name}`, updated: 'The ticket has been updated.',
    assignedEvent: 'Agnès Support assigned the ticket to Agnès Support.',
    unassignedEvent: 'Unassigned by Agnès Support.',
    answered: 'Claire Martin moved the ticket from “Waiting” to “In progress”.',
    waiting: 'Set to “Waiting”',
  },
};

/** The success and failure banners the page shows now. */
async function banners(page) {
  return page.locator('main .flash:visible, main .alert:visible').allInnerTexts();
}

async function ticketOf(account, number) {
  return get(await accessToken(account), `/api/v1/tickets/${number}`);
}

const runs = [['fr', DESKTOP], ['en', PHONE]];

let customer;
let agent;
before(async () => {
  customer = await openBrowser({ locale: 'fr-FR' });
  await visit(customer.page, '/login');
  await signIn(customer.page, accounts.customer);
  await isAt(customer.page, '/');
  agent = await openBrowser({ locale: 'fr-FR' });
  await visit(agent.page, '/login');
  await signIn(agent.page, accounts.agent);
  await isAt(agent.page, '/');
});
after(async () => {
  try {
    await updateProfile(accounts.customer, { locale: 'fr' });
    await updateProfile(accounts.agent, { locale: 'fr' });
  } finally {
    await customer?.close();
    await agent?.close();
  }
});

test('the requester turns the ticket’s mails off and on and changes their address', async () => {
  const { page, errors } = customer;
  for (const [lang, viewport] of runs) {
    const w = words[lang];
    const { number } = await createTicket(accounts.customer, {
      title: `Imprimante ${stamp} ${lang} : bourrage papier`, description: 'À chaque impression.',
    });
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    await visit(page, `/tickets/${number}`);
    const panel = page.getByRole('region', { name: w.heading, exact: true });
    const notify = panel.getByRole('checkbox', { name: w.notify, exact: true });
    const address = panel.getByRole('textbox', { name: w.address, exact: true });
    const save = panel.getByRole('button', { name: w.save, exact: true });
    await sees(notify);
    assert.equal(await notify.isChecked(), true);
    assert.equal(await address.inputValue(), 'claire@acme.test');

    // A bad address is refused in the browser, named under its field, and nothing is sent.
    await address.fill('suivi@');
    await save.click();
    await fieldHasError(address, w.badAddress);
    assert.equal((await ticketOf(accounts.customer, number)).notify_email, 'claire@acme.test');
    await screenshot(page, `i12-notifications-bad-address-${lang}-${viewport.width}`);

    await address.fill(`suivi-${stamp}@acme.test`);
    await save.click();
    await sees(panel.getByText(w.saved));
    assert.deepEqual(await banners(page), [w.saved]);
    let saved = await ticketOf(accounts.customer, number);
    assert.equal(saved.notify, true);
    assert.equal(saved.notify_email, `suivi-${stamp}@acme.test`);

    // Off: the address goes away, and the choice is kept.
    await notify.uncheck();
    await address.waitFor({ state: 'detached' });
    await save.click();
    await sees(panel.getByText(w.saved));
    assert.deepEqual(await banners(page), [w.saved]);
    saved = await ticketOf(accounts.customer, number);
    assert.equal(saved.notify, false);
    assert.equal(saved.notify_email, `suivi-${stamp}@acme.test`);
    await fitsTheWidth(page, `notifications ${lang}`);
    await screenshot(page, `i12-notifications-off-${lang}-${viewport.width}`);

    // Shown again after a reload as saved.
    await visit(page, `/tickets/${number}`);
    await sees(notify);
    assert.equal(await notify.isChecked(), false);
    await notify.check();
    assert.equal(await address.inputValue(), `suivi-${stamp}@acme.test`);
    await save.click();
    await sees(panel.getByText(w.saved));
    assert.equal((await ticketOf(accounts.customer, number)).notify, true);
    await screenshot(page, `i12-notifications-saved-${lang}-${viewport.width}`);
  }
  await switchToFrench(page);
  await page.setViewportSize(DESKTOP);
  noPageErrors(errors);
});

test('only the requester is offered the choice of mails', async () => {
  const { number } = await createTicket(accounts.customer, {
    title: `Écran ${stamp} : scintillement`, description: 'Depuis la mise à jour.',
  });
  const { page, errors } = agent;
  await visit(page, `/tickets/${number}`);
  await sees(page.getByRole('heading', { name: 'Traitement' }));
  assert.equal(await page.getByRole('region', { name: 'Notifications', exact: true }).count(), 0);
  const referent = await openBrowser({ locale: 'fr-FR' });
  try {
    await visit(referent.page, '/login');
    await signIn(referent.page, accounts.referent);
    await isAt(referent.page, '/');
    await visit(referent.page, `/tickets/${number}`);
    await sees(referent.page.getByRole('heading', { level: 1, name: `Écran ${stamp} : scintillement` }));
    await sees(referent.page.getByRole('heading', { name: 'Informations' }));
    assert.equal(await referent.page.getByRole('region', { name: 'Notifications', exact: true }).count(), 0);
    noPageErrors(referent.errors);
  } finally {
    await referent.close();
  }
  noPageErrors(errors);
});

test('an agent assigns the ticket to anyone of the team or to nobody, and the history says who did what', async () => {
  const { page, errors } = agent;
  for (const [lang, viewport] of runs) {
    const w = words[lang];
    const { number } = await createTicket(accounts.customer, {
      title: `Badge ${stamp} ${lang} : refusé à l'entrée`, description: 'Depuis lundi.',
    });
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    await visit(page, `/tickets/${number}`);
    const history = ticketPage(page, lang).history;
    const current = page.locator('.agent .assignee');
    const select = page.getByRole('combobox', { name: w.assignTo, exact: true });
    const change = page.getByRole('button', { name: w.change, exact: true });
    await sees(current);
    assert.equal((await current.innerText()).trim(), w.assignedTo(w.unassigned));
    // The team comes from GET /staff: both the agent and the admin are offered.
    await select.locator('option', { hasText: 'Adam Admin' }).waitFor({ state: 'attached' });
    const offered = await select.locator('option').allInnerTexts();
    assert.equal(offered[0].trim(), w.unassigned);
    for (const member of ['Adam Admin', 'Agnès Support']) assert.ok(offered.some((o) => o.trim() === member), member);

    await select.selectOption({ label: 'Agnès Support' });
    await change.click();
    await sees(page.getByText(w.updated));
    await page.waitForFunction(
      ([text]) => document.querySelector('.agent .assignee')?.innerText.trim() === text,
      [w.assignedTo('Agnès Support')],
    );
    await sees(history.getByText(w.assignedEvent));
    assert.equal((await ticketOf(accounts.agent, number)).assignee.name, 'Agnès Support');

    await select.selectOption({ label: w.unassigned });
    await change.click();
    await sees(history.getByText(w.unassignedEvent));
    await page.waitForFunction(
      ([text]) => document.querySelector('.agent .assignee')?.innerText.trim() === text,
      [w.assignedTo(w.unassigned)],
    );
    assert.equal((await ticketOf(accounts.agent, number)).assignee, null);
    assert.deepEqual(await banners(page), [w.updated]);

    // The customer's answer to a waiting ticket moves it back to work: the history names her.
    await page.getByRole('button', { name: w.waiting }).click();
    await sees(page.locator('.ticket-head .status-waiting'));
    await addFollowup(accounts.customer, number, `C'est toujours refusé (${stamp})`);
    await visit(page, `/tickets/${number}`);
    await sees(history.getByText(w.answered));
    await sees(history.getByText(w.unassignedEvent));
    await fitsTheWidth(page, `assignment ${lang}`);
    await screenshot(page, `i12-assignment-${lang}-${viewport.width}`);
  }
  await switchToFrench(page);
  await page.setViewportSize(DESKTOP);
  noPageErrors(errors);
});
