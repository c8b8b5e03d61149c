// The customer's screens in English: Paul (Boréal, English profile) from the sign-in to his
// tickets, the password page's live checklist, the pages reached without an account, and
// Rémi's company view once he switches to English.
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { createTicket } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import {
  documentLanguageIs, fieldHasError, isAt, isAtTicket, noPageErrors, sees,
} from '../support/checks.js';
import { accounts } from '../support/env.js';
import { landingPage, signInForm, ticketList, ticketPage } from '../support/locators.js';

const en = {
  required: 'This field is required.',
  created: /Ticket (T\d{8}\.\d{4,}) has been created/,
};

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'en-US' });
});
after(async () => {
  await browser?.close();
});

test('Paul signs in and opens a ticket in English; the form names what is missing first', async () => {
  const { page, errors } = browser;
  await visit(page, '/login');
  await sees(signInForm(page, 'en').heading);
  await documentLanguageIs(page, 'en');
  await signIn(page, accounts.otherCompany, 'en');
  await isAt(page, '/');
  await sees(landingPage(page, 'en').heading);
  await landingPage(page, 'en').create.click();
  await isAt(page, '/tickets/new');

  await sees(page.getByRole('heading', { level: 1, name: 'New ticket' }));
  await page.getByRole('button', { name: 'Create the ticket', exact: true }).click();
  const title = page.getByRole('textbox', { name: /^Title/ });
  const description = page.getByRole('textbox', { name: /^Description/ });
  await fieldHasError(title, en.required);
  await fieldHasError(description, en.required);
  await sees(page.locator('.live').getByText(`Title: ${en.required}`));
  await screenshot(page, '30-en-new-ticket-errors');

  await page.getByRole('radio', { name: /^Incident/ }).check();
  const category = page.getByRole('combobox', { name: /^Category/ });
  const first = category.locator('option[value]:not([value=""])').first();
  await first.waitFor({ state: 'attached' });
  await category.selectOption(await first.getAttribute('value'));
  await page.getByRole('combobox', { name: /^Urgency/ }).selectOption('high');
  const words = `Scanner${Date.now().toString(36)}`;
  await title.fill(`${words} jams on every page`);
  await description.fill('The scanner on the second floor stops after one page.');
  await page.getByRole('button', { name: 'Create the ticket', exact: true }).click();

  await isAtTicket(page);
  await sees(page.getByRole('status').filter({ hasText: en.created }));
  await sees(ticketPage(page, 'en').history);
  await screenshot(page, '31-en-ticket-created');

  await visit(page, '/tickets');
  await sees(page.getByRole('heading', { level: 1, name: 'My tickets' }));
  await page.getByRole('searchbox', { name: 'Search' }).fill(words.toLowerCase());
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await sees(ticketList(page).row(`${words} jams on every page`));
  await sees(page.getByRole('columnheader', { name: 'Status' }));
  await screenshot(page, '32-en-my-tickets');
  noPageErrors(errors);
});

test('the password page checks the policy live, in English', async () => {
  const { page } = browser;
  await visit(page, '/password');
  await sees(page.getByRole('heading', { level: 1, name: 'Change your password' }));
  await page.getByLabel('New password', { exact: true }).fill('short');
  const rule = page.getByRole('listitem').filter({ hasText: 'a digit' });
  await sees(rule.filter({ hasText: '(not met yet)' }));
  await page.getByLabel('New password', { exact: true }).fill('short1');
  await sees(rule.filter({ hasText: '(met)' }));
  await screenshot(page, '33-en-password-checklist');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await sees(signInForm(page, 'en').heading);
});

test('the pages reached without an account speak English', async () => {
  const { page } = browser;
  await visit(page, '/forgot-password');
  await sees(page.getByRole('heading', { level: 1, name: 'Forgotten password' }));
  await page.getByRole('button', { name: 'Send the link' }).click();
  await fieldHasError(page.getByRole('textbox', { name: /^Email address/ }), en.required);
  await screenshot(page, '34-en-forgot-password');

  await visit(page, '/access-request');
  await sees(page.getByRole('heading', { level: 1, name: 'Request access' }));
  await page.getByRole('textbox', { name: /^Service code/ }).fill('12');
  await page.getByRole('button', { name: 'Send the request' }).click();
  await fieldHasError(page.getByRole('textbox', { name: /^Service code/ }), 'Enter exactly 4 digits.');
  await screenshot(page, '35-en-access-request');
});

test("Rémi lists every ticket of his company in English, his colleague's included", async () => {
  const { page } = browser;
  const colleagues = await createTicket(accounts.customer, {
    title: `Scanner offline ${Date.now()}`,
    description: 'The scanner of the second floor answers no more.',
  });
  await visit(page, '/login');
  await signIn(page, accounts.referent, 'en');
  await page.waitForURL((url) => url.pathname !== '/login');
  try {
    await switchToEnglish(page);
    await visit(page, '/tickets');
    await sees(page.getByRole('heading', { level: 1, name: 'My tickets' }));
    await page.getByRole('radio', { name: "My company's tickets" }).check();
    await sees(ticketList(page).row(colleagues.title));
    await sees(ticketList(page).link(colleagues.number));
    await screenshot(page, '36-en-company-tickets');
  } finally {
    // His profile's language is shared with the other test files.
    await switchToFrench(page);
  }
});
