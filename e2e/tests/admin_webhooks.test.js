// Webhooks (issue 15): an administrator registers an endpoint — a real HTTP receiver started
// here — with the events it wants; a refused address is explained under its field; the
// signing secret is shown once; a test event arrives, signed, and shows delivered; an event
// the receiver answers 500 shows failed, and once the receiver is fixed the administrator
// redelivers it and sees it delivered. In English and on a phone too.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { openAdministration, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { addFollowup, createTicket, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fieldHasError, fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { webhooksPage } from '../support/locators.js';

const stamp = Date.now().toString(36);

/** The receiver: what it got, and the status it answers (200 until told otherwise). */
const receiver = { received: [], status: 200, server: null, url: '' };

let browser;
before(async () => {
  receiver.server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      receiver.received.push({ headers: request.headers, body: JSON.parse(body) });
      response.writeHead(receiver.status, { 'content-type': 'text/plain' });
      response.end(receiver.status === 200 ? 'merci' : 'boom: the receiver is down');
    });
  });
  await new Promise((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${receiver.server.address().port}/hooks/${stamp}`;
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.admin);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  receiver.server?.close();
  await updateProfile(accounts.admin, { locale: 'fr' });
});

/** Refreshes the deliveries until `row` shows: the server sends them in the background. */
async function refreshUntil(screen, row) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    await screen.refresh.click();
    try {
      await row.first().waitFor({ state: 'visible', timeout: 2_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

test('an administrator registers a webhook, sees a test event delivered, and redelivers a failed one', async () => {
  const { page, errors } = browser;
  const screen = webhooksPage(page);
  await openAdministration(page, 'webhooks');
  await isAt(page, '/admin/webhooks');
  await sees(screen.heading);

  // Nothing chosen: both fields are named; the cloud's metadata address is refused, and why.
  await screen.create.click();
  await sees(page.locator('#error-summary'));
  await sees(page.locator('#events-error'));
  await screen.url.fill('http://169.254.169.254/latest');
  await screen.event(screen.words.followup).check();
  await screen.create.click();
  await fieldHasError(screen.url, screen.words.refused);
  await fieldHasError(screen.url, 'cloud metadata');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'url');

  await screen.url.fill(receiver.url);
  await screen.create.click();
  await sees(screen.secretPanel);
  assert.match(new URL(page.url()).pathname, /^\/admin\/webhooks\/\d+$/);
  const secret = await screen.secret.inputValue();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'webhook-secret');
  await screenshot(page, '98-webhook-made-fr');

  // A test event: it arrives signed, and the list says it is delivered.
  await screen.test.click();
  await sees(screen.notice(screen.words.testSent));
  await refreshUntil(screen, screen.delivery(screen.words.ping, `${screen.words.delivered} · HTTP 200`));
  const ping = receiver.received.find((r) => r.body.type === 'ping');
  assert.ok(ping, 'the receiver got the test event');
  assert.match(ping.headers['webhook-signature'], /^v1,/);
  assert.ok(ping.headers['webhook-id']);

  // The receiver fails: a customer's follow-up is answered 500 and shows failed.
  receiver.status = 500;
  const ticket = await createTicket(accounts.customer, { title: `Webhook ${stamp}`, description: 'Panne.' });
  await addFollowup(accounts.customer, ticket.number, `Toujours en panne ${stamp}`);
  await refreshUntil(screen, screen.delivery(screen.words.followup, 'HTTP 500'));
  // The answer's first bytes, folded under the row.
  await screen.delivery(screen.words.followup, 'HTTP 500').locator('summary').first().click();
  await sees(page.getByText('boom: the receiver is down'));

  // Made inactive, the endpoint gets no more tries: the delivery is given up.
  await screen.active.uncheck();
  await screen.save.click();
  await sees(screen.notice(screen.words.saved));
  await refreshUntil(screen, screen.delivery(screen.words.followup, screen.words.dead));
  await screenshot(page, '99-webhook-deliveries-fr');

  // Fixed and active again, the administrator redelivers it: delivered, same webhook-id.
  receiver.status = 200;
  await screen.active.check();
  await screen.save.click();
  await sees(screen.notice(screen.words.saved));
  await screen.delivery(screen.words.followup, screen.words.dead)
    .getByRole('button', { name: new RegExp(`^${screen.words.redeliver}`) }).click();
  await sees(screen.notice(screen.words.redelivered));
  await refreshUntil(screen, screen.delivery(screen.words.followup, `${screen.words.delivered} · HTTP 200`));
  const followups = receiver.received.filter((r) => r.body.type === 'followup');
  assert.ok(followups.length >= 2, 'tried, then redelivered');
  assert.equal(new Set(followups.map((r) => r.headers['webhook-id'])).size, 1);
  assert.equal(followups.at(-1).body.data.body, `Toujours en panne ${stamp}`);
  noPageErrors(errors);
});

test('in English and on a phone, the webhook page reads and fits; the secret is rotated and the webhook deleted', async () => {
  const { page, errors } = browser;
  await switchToEnglish(page);
  const screen = webhooksPage(page, 'en');
  await visit(page, '/admin/webhooks');
  await sees(screen.heading);
  await page.getByRole('link', { name: receiver.url }).click();
  await sees(page.getByRole('heading', { level: 1, name: receiver.url }));
  await page.setViewportSize({ width: 360, height: 800 });
  await sees(screen.delivery(screen.words.ping, screen.words.delivered));
  await fitsTheWidth(page, 'the webhook page');
  await screenshot(page, '100-webhook-en-360');

  // Rotating asks first, and says the old secret keeps signing for a day.
  await screen.rotate.click();
  await sees(page.getByText('The old one stays valid for 24'));
  await page.getByRole('main').getByRole('button', { name: screen.words.rotate, exact: true }).last().click();
  await sees(screen.secretPanel);
  assert.match(await screen.secret.inputValue(), /^whsec_/);

  await screen.remove.click();
  await screen.confirmRemove.click();
  await isAt(page, '/admin/webhooks');
  await doesNotSee(page.getByRole('link', { name: receiver.url }));
  await page.setViewportSize({ width: 1280, height: 900 });
  await switchToFrench(page);
  noPageErrors(errors);
});
