// The sign-in form of issue 12: a malformed address caught in the browser like on the other
// forms (nothing sent), and "too many attempts" saying how long to wait.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { recordApi, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { signInForm } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
});

const badEmail = { fr: "Cette adresse e-mail n'est pas valide.", en: 'This email address is not valid.' };

for (const [lang, viewport] of [['fr', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }]]) {
  test(`a malformed address is refused before sending (${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    await page.setViewportSize(viewport);
    await visit(page, '/login');
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    const answers = recordApi(page);
    const form = signInForm(page, lang);
    await sees(form.heading);
    await signIn(page, { email: 'claire@', password: 'un mot de passe' }, lang);
    await fieldHasError(form.email, badEmail[lang]);
    assert.equal(answers.filter((a) => a.path === '/api/v1/auth/login').length, 0);
    noSuccessfulRequest(answers, 'POST', '/api/v1/auth/login');
    await screenshot(page, `i12-sign-in-bad-email-${lang}-${viewport.width}`);
    noPageErrors(errors);
  });
}

// A real 429 would lock 127.0.0.1 out for 15 minutes (the limit counts per address too) and
// break the other test files: the server's answer (tests/api of the server checks it) is
// played back here instead.
async function throttled(page, seconds) {
  await page.route('**/api/v1/auth/login', (route) => route.fulfill({
    status: 429,
    headers: { 'content-type': 'application/problem+json', 'retry-after': String(seconds) },
    body: JSON.stringify({
      type: '/problems/too_many_requests', title: 'Too many attempts', status: 429,
      code: 'too_many_requests', retry_after: seconds,
    }),
  }));
}

const waits = [
  ['fr', { width: 1366, height: 900 }, 900, 'Trop de tentatives de connexion. Réessayez dans 15 minutes.'],
  ['fr', { width: 360, height: 740 }, 45, 'Trop de tentatives de connexion. Réessayez dans 45 secondes.'],
  ['en', { width: 1366, height: 900 }, 61, 'Too many sign-in attempts. Try again in 2 minutes.'],
  ['en', { width: 360, height: 740 }, 59, 'Too many sign-in attempts. Try again in 59 seconds.'],
];

for (const [lang, viewport, seconds, text] of waits) {
  test(`too many attempts: the form says how long to wait (${seconds} s, ${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    await page.setViewportSize(viewport);
    await visit(page, '/login');
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    await throttled(page, seconds);
    try {
      await signIn(page, { email: 'claire@acme.test', password: 'pas le bon' }, lang);
      await sees(page.getByRole('alert').filter({ hasText: text }));
      await screenshot(page, `i12-sign-in-wait-${seconds}-${lang}-${viewport.width}`);
    } finally {
      await page.unroute('**/api/v1/auth/login');
    }
    noPageErrors(errors);
  });
}
