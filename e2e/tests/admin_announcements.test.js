// Administrators write the announcements of the landing page (seed 004: "Announcement:
// Bienvenue sur le nouveau portail client [More]"): every announcement listed with its language,
// period and state; a wrong form named field by field before anything is sent, and the server's
// refusals under the same fields; a published announcement on a customer's landing page, its
// long text behind a "Plus" button; an edit and a deletion seen there at once. In French, in
// English and on a phone; nobody else reaches the screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { recordApi, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fieldHasError, fitsTheWidth, isAt, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { adminPage, announcementsPage, landingPage, moreToggle, words } from '../support/locators.js';

const stamp = Date.now().toString(36);
const title = `Maintenance du portail (${stamp})`;
const edited = `Maintenance reportée (${stamp})`;
const firstLine = `Le portail sera indisponible samedi de 8 h à 12 h (${stamp}).`;
const lastLine = `Les mails reçus pendant ce temps seront traités dès le retour du portail (${stamp}).`;
// Four lines: the landing page shows the first three, the last one after "Plus".
const body = [firstLine, 'Vos tickets restent enregistrés.', 'Le suivi par mail continue.', lastLine].join('\n');
const ADMIN_PATH = '/admin/announcements';

let admin;
let claire;
before(async () => {
  [admin, claire] = await Promise.all([openBrowser({ locale: 'fr-FR' }), openBrowser({ locale: 'fr-FR' })]);
  await visit(admin.page, '/login');
  await signIn(admin.page, accounts.admin);
  await isAt(admin.page, '/');
  await visit(claire.page, '/login');
  await signIn(claire.page, accounts.customer);
  await isAt(claire.page, '/');
});
after(async () => {
  try {
    // The English part switches the admin's profile language: French again for other files.
    await updateProfile(accounts.admin, { locale: 'fr' });
  } finally {
    await admin?.close();
    await claire?.close();
  }
});

/** Claire's landing page as it is now. */
async function claireLands() {
  await visit(claire.page, '/');
  const home = landingPage(claire.page);
  await sees(home.heading);
  return home;
}

test('the admin reaches every announcement from the administration, with its language, period and state', async () => {
  const { page, errors } = admin;
  const screen = announcementsPage(page);
  await adminPage(page).nav.click();
  await isAt(page, '/admin');
  await adminPage(page).part('announcements').click();
  await isAt(page, ADMIN_PATH);
  await sees(screen.heading);
  const welcome = screen.row(landingPage(page).words.welcome);
  await sees(welcome.getByRole('cell', { name: screen.words.french, exact: true }));
  await sees(welcome.getByText(screen.words.current, { exact: true }));
  await sees(screen.row(landingPage(page, 'en').words.welcome).getByRole('cell', { name: screen.words.english, exact: true }));
  await sees(screen.formHeading());
  await screenshot(page, '80-announcements-fr');
  noPageErrors(errors);
});

test('a wrong form names every field to fix under it, and sends nothing', async () => {
  const { page, errors } = admin;
  const answers = recordApi(page);
  await visit(page, ADMIN_PATH);
  const screen = announcementsPage(page);
  await screen.body.fill('   ');
  await screen.startsAt.fill('2030-01-02T10:00');
  await screen.endsAt.fill('2030-01-01T10:00');
  await screen.publish.click();
  await fieldHasError(screen.title, screen.words.required);
  await fieldHasError(screen.body, screen.words.required);
  await fieldHasError(screen.endsAt, screen.words.beforeStart);
  await sees(screen.summary);
  // The first field to fix has the focus.
  await sees(screen.title.and(page.locator(':focus')));
  noSuccessfulRequest(answers, 'POST', '/api/v1/announcements');
  await screenshot(page, '81-announcements-errors');
  noPageErrors(errors);
});

test("the server's refusals land under the same fields", async () => {
  const { page } = admin;
  await visit(page, ADMIN_PATH);
  const screen = announcementsPage(page);
  // A refusal the browser's rules cannot foresee (a rule of a newer server, say).
  await page.route('**/api/v1/announcements', (route) => {
    if (route.request().method() !== 'POST') {
      return route.continue();
    }
    return route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: '/problems/validation_failed', title: 'Invalid request', status: 422, code: 'validation_failed',
        errors: [
          { field: 'starts_at', code: 'invalid_type', message: 'not a date' },
          { field: 'body', code: 'length', message: 'must be 1 to 5000 characters' },
        ],
      }),
    });
  });
  try {
    await screen.title.fill(title);
    await screen.body.fill(body);
    await screen.publish.click();
    await fieldHasError(screen.body, "La longueur de ce texte n'est pas permise.");
    await fieldHasError(screen.startsAt, "Cette valeur n'a pas la forme attendue.");
    await sees(screen.body.and(page.locator(':focus')));
  } finally {
    await page.unroute('**/api/v1/announcements');
  }
});

test("a published announcement reaches Claire's landing page, its end behind a keyboard-operable « Plus »", async () => {
  const { page, errors } = admin;
  await visit(page, ADMIN_PATH);
  const screen = announcementsPage(page);
  await screen.title.fill(title);
  await screen.body.fill(body);
  await screen.readers.selectOption({ label: screen.words.allLanguages });
  await screen.publish.click();
  await sees(screen.notice(screen.words.created));
  const row = screen.row(title);
  await sees(row.getByText(screen.words.current, { exact: true }));
  await sees(row.getByRole('cell', { name: screen.words.allLanguages, exact: true }));
  // The form is empty again, for the next one.
  assert.equal(await screen.title.inputValue(), '');
  noPageErrors(errors);

  const home = await claireLands();
  const item = home.announcement(title);
  await sees(item.getByText(firstLine));
  await doesNotSee(item.getByText(lastLine));
  const more = moreToggle(item);
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await screenshot(claire.page, '82-landing-announcement-start');

  await more.focus();
  await claire.page.keyboard.press('Enter');
  await sees(item.getByText(lastLine));
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  assert.equal(await more.innerText(), 'Moins');
  await screenshot(claire.page, '83-landing-announcement-whole');
  await claire.page.keyboard.press('Space');
  await doesNotSee(item.getByText(lastLine));
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  // The short welcome has no such button.
  assert.equal(await moreToggle(home.announcement(home.words.welcome)).count(), 0);
  noPageErrors(claire.errors);
});

test('an edit shows on the landing page at once; a deletion is asked twice, then removes it', async () => {
  const { page, errors } = admin;
  await visit(page, ADMIN_PATH);
  const screen = announcementsPage(page);
  await screen.edit(title).click();
  await sees(screen.formHeading(true));
  await sees(screen.formHeading(true).and(page.locator(':focus')));
  assert.equal(await screen.title.inputValue(), title);
  assert.equal(await screen.body.inputValue(), body);
  await screen.title.fill(edited);
  await screen.readers.selectOption({ label: screen.words.french });
  await screen.save.click();
  await sees(screen.notice(screen.words.saved));
  await sees(screen.row(edited).getByRole('cell', { name: screen.words.french, exact: true }));
  await doesNotSee(screen.row(title));
  await sees(screen.formHeading());

  let home = await claireLands();
  await sees(home.announcement(edited));
  await doesNotSee(home.announcement(title));

  // Giving up a deletion keeps the announcement and the keyboard where it was.
  await screen.delete(edited).click();
  await sees(page.getByText(screen.words.question));
  await sees(screen.confirmDelete.and(page.locator(':focus')));
  await screenshot(page, '84-announcements-delete-question');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await sees(screen.delete(edited).and(page.locator(':focus')));

  await screen.delete(edited).click();
  await screen.confirmDelete.click();
  await sees(screen.notice(screen.words.deleted));
  await doesNotSee(screen.row(edited));
  noPageErrors(errors);

  home = await claireLands();
  await sees(home.announcement(home.words.welcome));
  await doesNotSee(home.announcement(edited));
});

test('the screen in English: every state of an announcement, errors and buttons', async () => {
  const { page, errors } = admin;
  await visit(page, ADMIN_PATH);
  await switchToEnglish(page);
  try {
    const screen = announcementsPage(page, 'en');
    await sees(screen.heading);
    await screen.publish.click();
    await fieldHasError(screen.title, screen.words.required);
    await fieldHasError(screen.body, screen.words.required);

    const ended = `Closed for the holidays (${stamp})`;
    const upcoming = `New opening hours (${stamp})`;
    for (const [name, starts, ends] of [[ended, '2025-12-24T08:00', '2026-01-02T08:00'], [upcoming, '2099-01-04T08:00', '']]) {
      await screen.title.fill(name);
      await screen.body.fill('The support team answers from 8 am to 7 pm.');
      await screen.readers.selectOption({ label: screen.words.english });
      await screen.startsAt.fill(starts);
      await screen.endsAt.fill(ends);
      await screen.publish.click();
      await sees(screen.notice(screen.words.created));
      await sees(screen.row(name));
    }
    await sees(screen.row(ended).getByText(screen.words.expired, { exact: true }));
    await sees(screen.row(upcoming).getByText(screen.words.upcoming, { exact: true }));
    await sees(screen.row(landingPage(page, 'en').words.welcome).getByText(screen.words.current, { exact: true }));
    await screenshot(page, '85-announcements-en');

    for (const name of [ended, upcoming]) {
      await screen.delete(name).click();
      await sees(page.getByText(screen.words.question));
      await screen.confirmDelete.click();
      await doesNotSee(screen.row(name));
    }
    await sees(screen.notice(screen.words.deleted));
    noPageErrors(errors);
  } finally {
    await switchToFrench(page);
  }
});

test('on a 360 px phone the screen fits the width and still works', async () => {
  const { page, errors } = admin;
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    await visit(page, ADMIN_PATH);
    const screen = announcementsPage(page);
    const welcome = landingPage(page).words.welcome;
    await sees(screen.edit(welcome));
    await fitsTheWidth(page, 'announcements');
    await screenshot(page, '86-announcements-360px');

    const short = `Coupure réseau (${stamp})`;
    await screen.title.fill(short);
    await screen.body.fill('Le réseau du siège sera coupé 10 minutes à midi.');
    await screen.publish.click();
    await sees(screen.notice(screen.words.created));
    await screen.delete(short).click();
    await sees(screen.confirmDelete);
    await fitsTheWidth(page, 'announcements, deletion asked');
    await screenshot(page, '87-announcements-360px-delete');
    await screen.confirmDelete.click();
    await doesNotSee(screen.edit(short));
    noPageErrors(errors);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('agents and customers get the not-found page, and no link to it', async () => {
  const agent = await openBrowser({ locale: 'fr-FR' });
  try {
    await visit(agent.page, '/login');
    await signIn(agent.page, accounts.agent);
    await isAt(agent.page, '/');
    await visit(agent.page, ADMIN_PATH);
    await sees(agent.page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
    // The agent's administration has no announcements.
    await adminPage(agent.page).nav.click();
    await sees(adminPage(agent.page).part('companies'));
    assert.equal(await adminPage(agent.page).part('announcements').count(), 0);
    noPageErrors(agent.errors);
  } finally {
    await agent.close();
  }
  await visit(claire.page, ADMIN_PATH);
  await sees(claire.page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
  assert.equal(await adminPage(claire.page).nav.count(), 0);
  await screenshot(claire.page, '88-announcements-not-found');
});
