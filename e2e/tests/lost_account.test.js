// "Au secours, j'ai perdu mon compte support !" (seed 001): someone who can no longer sign in
// tells the support team from the sign-in page; the support address gets the new ticket's
// mail and an agent finds the ticket with every detail.
import { after, before, test } from 'node:test';

import { recordApi, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, isAt, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { accounts, supportEmail } from '../support/env.js';
import { lostAccountPage, ticketList, ticketPage } from '../support/locators.js';
import { waitForMail } from '../support/mail.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
});

const API = '/api/v1/account-recovery-requests';

test('the form names what is missing before sending, in French and in English', async () => {
  const { page, errors } = browser;
  const answers = recordApi(page);
  await visit(page, '/login');
  const fr = lostAccountPage(page);
  await fr.link.click();
  await isAt(page, '/lost-account');
  await sees(fr.heading);

  // Sent from the keyboard: Enter in the first field submits the form.
  await fr.fullName.fill('Agnès Martin');
  await fr.email.fill('agnes@');
  await fr.phone.fill('appelez-moi');
  await fr.fullName.press('Enter');
  await fieldHasError(fr.company, fr.words.required);
  await fieldHasError(fr.email, fr.words.badEmail);
  await fieldHasError(fr.phone, fr.words.badPhone);
  await fieldHasError(fr.message, fr.words.required);
  // The first field to fix has the focus.
  await sees(fr.company.and(page.locator(':focus')));
  await screenshot(page, '45-lost-account-errors');

  await switchToEnglish(page);
  const en = lostAccountPage(page, 'en');
  await sees(en.heading);
  await fieldHasError(en.company, en.words.required);
  await sees(en.message);
  await switchToFrench(page);
  await sees(fr.heading);
  noSuccessfulRequest(answers, 'POST', API);
  noPageErrors(errors);
});

test('a lost account reaches the support team, and an agent sees every detail', async () => {
  const { page, errors } = browser;
  const name = `Agnès Perdue ${Date.now().toString(36)}`;
  await visit(page, '/lost-account');
  const form = lostAccountPage(page);
  await form.fullName.fill(name);
  await form.company.fill('Acme Industrie');
  await form.email.fill('agnes.perdue@example.com');
  await form.phone.fill('+33 1 23 45 67 89');
  await form.message.fill("J'ai perdu mon identifiant et l'adresse de mon compte.\nMerci de me rappeler.");
  await form.submit.click();
  await sees(form.sent);
  await screenshot(page, '46-lost-account-sent');

  // The support address is told, by the ticket's own new-ticket mail.
  await waitForMail(supportEmail, `${name} a ouvert le ticket`);

  await page.evaluate(() => window.localStorage.clear());
  await visit(page, '/login');
  await signIn(page, accounts.agent);
  await isAt(page, '/');
  await visit(page, '/tickets');
  const title = `Compte support perdu : ${name} (Acme Industrie)`;
  const row = ticketList(page).row(title);
  await sees(row);
  await row.getByRole('link').first().click();
  const ticket = ticketPage(page);
  await sees(ticket.heading(title));
  for (const detail of ['agnes.perdue@example.com', '+33 1 23 45 67 89', 'Merci de me rappeler.']) {
    await sees(page.getByText(detail));
  }
  await sees(ticket.details.getByText('Demandes sans compte'));
  await screenshot(page, '47-lost-account-ticket-agent');
  noPageErrors(errors);
});
