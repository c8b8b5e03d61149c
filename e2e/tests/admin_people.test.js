// Administrators invite people and manage their accounts (issue 14): two people invited into
// a fresh company, the invitation mailed, one of them choosing a password from its link,
// signing in and opening a ticket; the other deactivated; an address already taken refused on
// its field. In French, in English and on a phone; agents see customers and referents and act
// on customers only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fillTicket, openAdministration, recordApi, signIn, submitTicket, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, createCompanyWithContract, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fieldHasError, fitsTheWidth, isAt, isAtTicket, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { waitForLink } from '../support/mail.js';
import { adminPage, newTicketForm, peoplePages, recoveryPages, words } from '../support/locators.js';

const stamp = Date.now().toString(36);
const companyName = `Verrerie ${stamp}`;
const lea = { first: 'Léa', last: `Roux-${stamp}`, email: `lea.${stamp}@verrerie.test` };
const hugo = { first: 'Hugo', last: `Blanc-${stamp}`, email: `hugo.${stamp}@verrerie.test` };

let admin;
before(async () => {
  await createCompanyWithContract(await accessToken(accounts.admin), companyName);
  admin = await openBrowser({ locale: 'fr-FR' });
  await visit(admin.page, '/login');
  await signIn(admin.page, accounts.admin);
  await isAt(admin.page, '/');
});
after(async () => {
  try {
    // The English part switches the admin's profile language: French again for other files.
    await updateProfile(accounts.admin, { locale: 'fr' });
  } finally {
    await admin?.close();
  }
});

/** Fills the invitation form for `person` in the test's company, with `role`. */
async function invite(page, person, role) {
  const screen = peoplePages(page);
  await screen.firstName.fill(person.first);
  await screen.lastName.fill(person.last);
  await screen.email.fill(person.email);
  await screen.role.selectOption({ label: role });
  await screen.company.selectOption({ label: companyName });
  await screen.language.selectOption({ label: screen.words.french });
  await screen.sendInvitation.click();
  await sees(screen.invited(person.email));
}

test('the admin reaches the people from the header and searches them', async () => {
  const { page, errors } = admin;
  const screen = peoplePages(page);
  await openAdministration(page, 'people');
  await isAt(page, '/people');
  await sees(screen.heading);
  await sees(screen.row('claire@acme.test'));
  // Admins find the support team too.
  await sees(screen.row('agent@guichet.test'));
  await screen.search.fill('boreal');
  await screen.searchSubmit.click();
  await sees(screen.row('paul@boreal.test'));
  await doesNotSee(screen.row('claire@acme.test'));
  await screenshot(page, '90-people-fr');
  noPageErrors(errors);
});

test('a wrong invitation names every field to fix, and an address already taken is refused on its field', async () => {
  const { page, errors } = admin;
  const answers = recordApi(page);
  await visit(page, '/people/new');
  const screen = peoplePages(page);
  await sees(screen.inviteHeading);
  await screen.email.fill('lea@');
  await screen.sendInvitation.click();
  await fieldHasError(screen.firstName, screen.words.required);
  await fieldHasError(screen.lastName, screen.words.required);
  await fieldHasError(screen.email, screen.words.badEmail);
  await fieldHasError(screen.company, screen.words.required);
  await sees(screen.firstName.and(page.locator(':focus')));
  noSuccessfulRequest(answers, 'POST', '/api/v1/users');
  await screenshot(page, '91-people-invite-errors');

  // Claire of Acme already has this address.
  await screen.firstName.fill('Claire');
  await screen.lastName.fill('Double');
  await screen.email.fill('claire@acme.test');
  await screen.company.selectOption({ label: companyName });
  await screen.sendInvitation.click();
  await fieldHasError(screen.email, screen.words.taken);
  await sees(screen.email.and(page.locator(':focus')));
  noSuccessfulRequest(answers, 'POST', '/api/v1/users');
  noPageErrors(errors);
});

test('two people invited into a new company get the mail; one sets a password, signs in and opens a ticket', async () => {
  const { page, errors } = admin;
  await visit(page, '/people');
  const screen = peoplePages(page);
  await screen.inviteLink.click();
  await isAt(page, '/people/new');
  await invite(page, lea, screen.words.customer);
  // The form is empty again, in the same company, for the next one.
  assert.equal(await screen.email.inputValue(), '');
  await invite(page, hugo, screen.words.referent);
  await screenshot(page, '92-people-invited');
  noPageErrors(errors);

  await visit(page, '/people');
  await screen.companyFilter.selectOption({ label: companyName });
  await sees(screen.row(lea.email).getByRole('cell', { name: screen.words.customer, exact: true }));
  await sees(screen.row(hugo.email).getByRole('cell', { name: screen.words.referent, exact: true }));

  const link = await waitForLink(lea.email, '/set-password');
  const invited = await openBrowser({ locale: 'fr-FR' });
  try {
    const r = recoveryPages(invited.page);
    await invited.page.goto(link);
    await sees(r.setHeading);
    const password = `Verrerie-${stamp}-2026!`;
    await r.newPassword.fill(password);
    await r.confirmPassword.fill(password);
    await r.setSubmit.click();
    await isAt(invited.page, '/login');
    await sees(r.passwordSet);
    await signIn(invited.page, { email: lea.email, password });
    await isAt(invited.page, '/');
    await visit(invited.page, '/tickets/new');
    await sees(newTicketForm(invited.page).heading);
    await fillTicket(invited.page, { title: `Four en panne ${stamp}`, description: 'Le four 2 ne chauffe plus.' });
    await submitTicket(invited.page);
    await isAtTicket(invited.page);
    noPageErrors(invited.errors);
  } finally {
    await invited.close();
  }
});

test('the admin sends the other one the invitation again, then deactivates them', async () => {
  const { page, errors } = admin;
  await visit(page, '/people');
  const screen = peoplePages(page);
  await screen.search.fill(hugo.email);
  await screen.searchSubmit.click();
  await screen.personLink(`${hugo.first} ${hugo.last}`).click();
  await sees(screen.personHeading(`${hugo.first} ${hugo.last}`));
  await sees(screen.resend);
  await screen.resend.click();
  await sees(screen.notice(screen.words.resent));
  await screen.active.uncheck();
  await screen.save.click();
  await sees(screen.notice(screen.words.saved));
  await sees(screen.details.getByText(screen.words.inactiveState, { exact: true }));
  await screenshot(page, '93-person-deactivated');

  const link = await waitForLink(hugo.email, '/set-password');
  assert.ok(link);
  await visit(page, '/people');
  await screen.stateFilter.selectOption({ label: screen.words.inactiveFilter });
  await screen.companyFilter.selectOption({ label: companyName });
  await sees(screen.row(hugo.email));
  await doesNotSee(screen.row(lea.email));
  noPageErrors(errors);
});

test("nobody changes their own role: the admin's own page has no role, company or activity control", async () => {
  const { page, errors } = admin;
  await visit(page, '/people');
  const screen = peoplePages(page);
  await screen.search.fill('admin@guichet.test');
  await screen.searchSubmit.click();
  await screen.row('admin@guichet.test').getByRole('link').click();
  await sees(screen.editHeading);
  assert.equal(await screen.role.count(), 0);
  assert.equal(await screen.active.count(), 0);
  noPageErrors(errors);
});

test('a person who does not exist is the not-found page', async () => {
  const { page, errors } = admin;
  await visit(page, '/people/999999');
  await sees(page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
  noPageErrors(errors);
});

test('the screens in English', async () => {
  const { page, errors } = admin;
  await visit(page, '/people');
  await switchToEnglish(page);
  try {
    const screen = peoplePages(page, 'en');
    await sees(screen.heading);
    await sees(screen.row('claire@acme.test'));
    await screen.inviteLink.click();
    await sees(screen.inviteHeading);
    await screen.sendInvitation.click();
    await fieldHasError(screen.firstName, screen.words.required);
    await fieldHasError(screen.email, screen.words.required);
    await screenshot(page, '94-people-invite-en');
    noPageErrors(errors);
  } finally {
    await switchToFrench(page);
  }
});

test('on a 360 px phone the screens fit the width', async () => {
  const { page, errors } = admin;
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    const screen = peoplePages(page);
    await visit(page, '/people');
    await sees(screen.row('claire@acme.test'));
    await fitsTheWidth(page, 'people');
    await screenshot(page, '95-people-360px');
    await visit(page, '/people/new');
    await sees(screen.inviteHeading);
    await fitsTheWidth(page, 'invitation');
    await visit(page, '/people');
    await screen.row('claire@acme.test').getByRole('link').click();
    await sees(screen.editHeading);
    await fitsTheWidth(page, 'a person');
    await screenshot(page, '96-person-360px');
    noPageErrors(errors);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('agents see customers and referents, act on customers only and create customers only', async () => {
  const agent = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page } = agent;
    await visit(page, '/login');
    await signIn(page, accounts.agent);
    await isAt(page, '/');
    const screen = peoplePages(page);
    await openAdministration(page, 'people');
    await sees(screen.row('claire@acme.test'));
    await doesNotSee(screen.row('admin@guichet.test'));
    // A referent: read only.
    await screen.row('remi@acme.test').getByRole('link').click();
    await sees(screen.details);
    assert.equal(await screen.editHeading.count(), 0);
    assert.equal(await screen.resend.count(), 0);
    // A customer: details and account acts, but no role, company or activity.
    await visit(page, '/people');
    await screen.row('claire@acme.test').getByRole('link').click();
    await sees(screen.editHeading);
    await sees(screen.reset);
    assert.equal(await screen.role.count(), 0);
    assert.equal(await screen.active.count(), 0);
    await screenshot(page, '97-person-agent');
    // The invitation offers the customer role only.
    await visit(page, '/people/new');
    await sees(screen.inviteHeading);
    assert.deepEqual(await screen.role.locator('option').allInnerTexts(), [screen.words.customer]);
    noPageErrors(agent.errors);
  } finally {
    await agent.close();
  }
});

test('customers get the not-found page', async () => {
  const claire = await openBrowser({ locale: 'fr-FR' });
  try {
    await visit(claire.page, '/login');
    await signIn(claire.page, accounts.customer);
    await isAt(claire.page, '/');
    await visit(claire.page, '/people');
    await sees(claire.page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
    assert.equal(await adminPage(claire.page).nav.count(), 0);
  } finally {
    await claire.close();
  }
});
