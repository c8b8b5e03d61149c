// "Mes jetons d'API" (issue 15): a customer makes a token from her profile with the scopes she
// chooses, copies its secret shown once, and a program uses it as she would, within those
// scopes only; the list shows its last use; revoked, it stops at once. A wrong form is named
// field by field; in English and on a phone too. An administrator makes a service account
// limited to a company, gives it a token, and deactivating it stops the token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openAdministration, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fieldHasError, fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts, baseURL } from '../support/env.js';
import { profilePage, tokensPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const tokenName = `Supervision ${stamp}`;

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.customer, { locale: 'fr' });
});

/** The status of a call to the API made with `secret`, as an integration would make it. */
async function callWith(secret, method, path, body) {
  const answer = await fetch(`${baseURL}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer.status;
}

test('a customer makes a token from her profile, copies it once, and a program uses it within its scopes', async () => {
  const { page, errors } = browser;
  const screen = tokensPage(page);
  await visit(page, '/profile');
  await sees(profilePage(page).heading);
  await screen.link.click();
  await isAt(page, '/profile/tokens');
  await sees(screen.heading);

  // A customer is offered the scopes she can use, not the administrators'.
  await sees(screen.scope('tickets:read'));
  await doesNotSee(screen.scope('admin:write'));
  await doesNotSee(screen.scope('webhooks:manage'));

  // Nothing typed: every field to fix is named, and nothing is sent.
  await screen.create.click();
  await fieldHasError(screen.name, screen.words.required);
  await sees(page.locator('#scopes-error'));
  assert.equal(await screen.scopes.getAttribute('aria-invalid'), 'true');

  await screen.name.fill(tokenName);
  await screen.scope('tickets:read').check();
  await screen.create.click();
  await sees(screen.secretPanel);
  const secret = await page.locator('#token-secret').inputValue();
  assert.match(secret, /^gch_[A-Za-z0-9]{40}$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token-secret');
  await screenshot(page, '95-api-token-made-fr');

  assert.equal(await callWith(secret, 'GET', '/api/v1/tickets'), 200);
  assert.equal(await callWith(secret, 'POST', '/api/v1/tickets', {}), 403);

  // Listed with its hint and last use (from the page reloaded), never its secret again.
  await visit(page, '/profile/tokens');
  const row = screen.row(tokenName);
  await sees(row);
  await sees(row.getByText(secret.slice(-4)));
  await doesNotSee(row.getByText(screen.words.neverUsed));
  assert.equal(await page.locator('#token-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret));
  noPageErrors(errors);

  // Revoked after a confirmation, it stops at once.
  await screen.revoke(tokenName).click();
  await screen.confirmRevoke.click();
  await sees(screen.revoked);
  await doesNotSee(row);
  assert.equal(await callWith(secret, 'GET', '/api/v1/tickets'), 401);
  noPageErrors(errors);
});

test('in English and on a phone, the screen reads and fits', async () => {
  const { page, errors } = browser;
  await switchToEnglish(page);
  const screen = tokensPage(page, 'en');
  await visit(page, '/profile/tokens');
  await sees(screen.heading);
  await screen.name.fill(`Phone ${stamp}`);
  await screen.scope('tickets:write').check();
  await screen.create.click();
  await sees(screen.secretPanel);
  await page.setViewportSize({ width: 360, height: 800 });
  await fitsTheWidth(page, 'the tokens screen');
  await screenshot(page, '96-api-tokens-en-360');
  await screen.revoke(`Phone ${stamp}`).click();
  await screen.confirmRevoke.click();
  await sees(screen.revoked);
  await page.setViewportSize({ width: 1280, height: 900 });
  await switchToFrench(page);
  noPageErrors(errors);
});

test('an administrator makes a service account for an integration, gives it a token, and deactivating it stops the token', async () => {
  const admin = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page, errors } = admin;
    await visit(page, '/login');
    await signIn(page, accounts.admin);
    await isAt(page, '/');
    await openAdministration(page, 'serviceAccounts');
    await isAt(page, '/admin/service-accounts');
    await sees(page.getByRole('heading', { level: 1, name: 'Comptes de service' }));
    const accountName = `Supervision Acme ${stamp}`;
    const form = page.getByRole('region', { name: 'Nouveau compte de service' });
    await form.getByRole('textbox', { name: /^Nom/ }).fill(accountName);
    await form.getByRole('combobox', { name: 'Limité à la société' }).selectOption({ label: 'Acme Industrie' });
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await sees(page.getByRole('heading', { level: 1, name: accountName }));
    assert.match(new URL(page.url()).pathname, /^\/admin\/service-accounts\/\d+$/);

    // A referent's scopes are offered; administration and webhooks are not, being out of its reach.
    const screen = tokensPage(page);
    await doesNotSee(screen.scope('webhooks:manage'));
    await screen.name.fill('lecture');
    await screen.scope('tickets:read').check();
    await screen.create.click();
    await sees(screen.secretPanel);
    const secret = await page.locator('#token-secret').inputValue();
    assert.equal(await callWith(secret, 'GET', '/api/v1/tickets?scope=company'), 200);
    await screenshot(page, '97-service-account-fr');

    await page.getByRole('button', { name: /^Désactiver le compte/ }).click();
    await sees(page.getByRole('status').filter({ hasText: 'Le compte est désactivé' }));
    assert.equal(await callWith(secret, 'GET', '/api/v1/tickets'), 401);
    noPageErrors(errors);
  } finally {
    await admin.close();
  }
});
