// On a phone (360 px wide): every screen fits the width, nothing scrolls sideways, and the
// screens stay accessible.
import { after, before, test } from 'node:test';

import { signIn, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { newTicketForm, signInForm, ticketList, ticketPage } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR', viewport: { width: 360, height: 740 } });
});
after(async () => {
  await browser?.close();
});

test('the screens of a customer fit a 360 px phone', async () => {
  const { page, errors } = browser;
  await visit(page, '/login');
  await sees(signInForm(page).heading);
  await fitsTheWidth(page, 'sign-in');
  await screenshot(page, '70-phone-sign-in');

  await visit(page, '/lost-account');
  await sees(page.getByRole('heading', { level: 1 }));
  await fitsTheWidth(page, 'lost account');

  await visit(page, '/login');
  await signIn(page, accounts.customer);
  await page.waitForURL((url) => url.pathname !== '/login');
  await visit(page, '/tickets');
  await sees(ticketList(page).table);
  await fitsTheWidth(page, 'ticket list');
  await screenshot(page, '71-phone-tickets');

  await visit(page, '/tickets/new');
  await sees(newTicketForm(page).heading);
  await fitsTheWidth(page, 'new ticket');
  await screenshot(page, '72-phone-new-ticket');

  await visit(page, '/tickets');
  await ticketList(page).table.getByRole('link').first().click();
  await isAtTicket(page);
  await sees(ticketPage(page).history);
  await fitsTheWidth(page, 'ticket page');
  await screenshot(page, '73-phone-ticket');
  noPageErrors(errors);
});
