import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { documentLanguageIs, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { landingPage, signInForm, ticketList } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
});

test('the sign-in screen speaks French, then English once switched, and remembers it', async () => {
  const { page } = browser;
  await visit(page, '/tickets');
  await isAt(page, '/login');
  await sees(signInForm(page, 'fr').heading);
  await documentLanguageIs(page, 'fr');
  await screenshot(page, '01-sign-in-fr');

  await switchToEnglish(page);
  await sees(signInForm(page, 'en').heading);
  await sees(signInForm(page, 'en').email);
  await documentLanguageIs(page, 'en');
  await screenshot(page, '02-sign-in-en');

  await page.reload();
  await sees(signInForm(page, 'en').heading);
  await switchToFrench(page);
  await sees(signInForm(page, 'fr').heading);
});

test('a wrong password gets one generic message', async () => {
  const { page } = browser;
  await visit(page, '/login');
  await signIn(page, { email: accounts.customer.email, password: 'not-the-password' });
  await sees(signInForm(page).failure);
  await screenshot(page, '03-sign-in-failed');
});

test('signing in through the form leads to the landing page, then my tickets, and a reload keeps me signed in', async () => {
  const { page, errors } = browser;
  await visit(page, '/login');
  await signIn(page, accounts.customer);
  await isAt(page, '/');
  await landingPage(page).tickets.click();
  await isAt(page, '/tickets');
  await sees(ticketList(page).heading);
  await sees(ticketList(page).table);
  await screenshot(page, '04-tickets');

  await page.reload();
  await sees(ticketList(page).table);
  noPageErrors(errors);
});

test('an unknown address shows the not-found page', async () => {
  const { page } = browser;
  await visit(page, '/nowhere/to/be/found');
  await sees(page.getByRole('heading', { level: 1, name: 'Page introuvable' }));
  await screenshot(page, '05-not-found');
});

test('the sign-in screen loads no screen module; my tickets fetches its own once, cached for good', async () => {
  const { page } = browser;
  const modules = [];
  const listen = (response) => {
    const url = new URL(response.url());
    if (/^\/split_.*\.wasm$/.test(url.pathname)) {
      modules.push({ path: url.pathname, cache: response.headers()['cache-control'] });
    }
  };
  page.on('response', listen);
  try {
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.clear());
    await visit(page, '/login');
    await sees(signInForm(page, 'fr').heading);
    assert.deepEqual(modules, [], 'the sign-in screen fetched screen modules');

    await signIn(page, accounts.customer);
    await isAt(page, '/');
    await landingPage(page).tickets.click();
    await sees(ticketList(page).table);
    assert.equal(modules.length, 1, `one screen module for my tickets, got ${JSON.stringify(modules)}`);
    assert.match(modules[0].path, /^\/split_tickets_/);
    assert.equal(modules[0].cache, 'public, max-age=31536000, immutable');
  } finally {
    page.off('response', listen);
  }
});
