// Failed deliveries (issue 16): an administrator sees the jobs given up after their last
// attempt — a ticket's notification mail and a password reset link, made dead in the database
// since the real attempts would take hours —, narrows them by kind, retries each and sees it
// leave the list; the retried reset link really goes out again. In English, with the keyboard
// and on a phone too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openAdministration, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, createTicket, createUser, requestPasswordReset, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fitsTheWidth, isAccessible, isAt, noPageErrors, sees } from '../support/checks.js';
import { deadAccountMailJob, deadMailJob } from '../support/database.js';
import { accounts } from '../support/env.js';
import { deadJobsPage } from '../support/locators.js';
import { waitForLink } from '../support/mail.js';

const stamp = Date.now().toString(36);
const person = { email: `dead-jobs-${stamp}@example.test`, first_name: 'Inès', last_name: 'Relance', role: 'agent' };
const mailError = `SMTP 451 mailbox busy ${stamp}`;
const resetError = `connection refused ${stamp}`;

let browser;
let firstLink;
before(async () => {
  await createUser(await accessToken(accounts.admin), person);
  await requestPasswordReset(person.email);
  firstLink = await waitForLink(person.email, '/reset-password');
  await deadAccountMailJob(person.email, resetError);
  await createTicket(accounts.customer, { title: `Relance ${stamp}`, description: 'Le courriel est parti ?' });
  await deadMailJob(`Relance ${stamp}`, mailError);
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.admin);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.admin, { locale: 'fr' });
});

test('an administrator sees the failed deliveries, narrows them by kind and retries them', async () => {
  const { page, errors } = browser;
  const screen = deadJobsPage(page);
  await openAdministration(page, 'deadJobs');
  await isAt(page, '/admin/dead-jobs');
  await sees(screen.heading);

  // Each row says what it was, to whom, how often it was tried and why it failed.
  const reset = screen.row(person.email, screen.words.accountMail, screen.words.reset, resetError);
  const mail = screen.row(screen.words.mail, `Relance ${stamp}`, mailError);
  await sees(reset);
  await sees(mail);
  await sees(reset.getByRole('cell', { name: '8', exact: true }));
  await isAccessible(page, 'the failed deliveries');
  await screenshot(page, '141-dead-jobs-fr');

  // Narrowed to the account mails, the notification is not listed; to the webhooks, nothing is.
  await screen.kind.selectOption({ label: screen.words.accountMail });
  await sees(reset);
  await doesNotSee(mail);
  await screen.kind.selectOption({ label: screen.words.webhook });
  await sees(screen.empty);
  await screen.kind.selectOption({ label: screen.words.all });
  await sees(mail);

  // Retried, the reset link leaves the list, the retry is announced, and the mail goes out again.
  await screen.retry(reset).click();
  await sees(screen.retried.filter({ hasText: person.email }));
  await doesNotSee(reset);
  const again = await waitForLink(person.email, '/reset-password', { seen: [firstLink] });
  assert.notEqual(again, firstLink);

  await screen.retry(mail).click();
  await doesNotSee(mail);
  // Back in the queue for good: a fresh load lists neither.
  await page.reload();
  await sees(screen.table.or(screen.empty));
  await doesNotSee(screen.row(stamp));
  noPageErrors(errors);
});

test('in English, with the keyboard and on a phone, a failed delivery reads, fits and is retried', async () => {
  const { page, errors } = browser;
  await deadAccountMailJob(person.email, resetError);
  await switchToEnglish(page);
  const screen = deadJobsPage(page, 'en');
  await page.setViewportSize({ width: 360, height: 800 });
  await visit(page, '/admin/dead-jobs');
  await sees(screen.heading);
  const reset = screen.row(person.email, screen.words.accountMail, screen.words.reset, resetError);
  await sees(reset);
  await fitsTheWidth(page, 'the failed deliveries');
  await isAccessible(page, 'the failed deliveries on a phone');
  await screenshot(page, '142-dead-jobs-en-360');

  // Enter on the focused button retries; the focus stays in the list's place, not lost.
  await screen.retry(reset).focus();
  await page.keyboard.press('Enter');
  await sees(screen.retried.filter({ hasText: person.email }));
  await doesNotSee(reset);
  await page.waitForFunction(() => /^(retry-\d+|page-title)$/.test(document.activeElement?.id ?? ''));

  await page.setViewportSize({ width: 1280, height: 900 });
  await switchToFrench(page);
  noPageErrors(errors);
});
