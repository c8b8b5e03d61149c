// The page of a reset or set-password link says which account it is for, before anything is
// typed, and a dead link says so at once (issue 12). The link is only opened here, never
// used: the account keeps its password for the other test files.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fitsTheWidth, noPageErrors, sees } from '../support/checks.js';
import { baseURL } from '../support/env.js';
import { waitForLink } from '../support/mail.js';

const address = 'remi@acme.test';
const words = {
  fr: {
    heading: 'Nouveau mot de passe', forAccount: `Nouveau mot de passe pour ${address}`,
    newPassword: 'Nouveau mot de passe', dead: "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau.",
    askAgain: 'Demander un nouveau lien',
  },
  en: {
    heading: 'New password', forAccount: `New password for ${address}`,
    newPassword: 'New password', dead: 'This link is no longer valid (already used or expired). Ask for a new one.',
    askAgain: 'Ask for a new link',
  },
};
const widths = [{ width: 1366, height: 900 }, { width: 360, height: 740 }];

let link;
before(async () => {
  const answer = await fetch(new URL('/api/v1/auth/password-reset', baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: address }),
  });
  assert.equal(answer.status, 202);
  link = await waitForLink(address, '/reset-password');
});

for (const lang of ['fr', 'en']) {
  test(`the reset page names the link's account, and a dead link says so at once (${lang})`, async () => {
    const browser = await openBrowser({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });
    try {
      await seesTheLinksAccount(browser, words[lang], lang);
    } finally {
      await browser.close();
    }
  });
}

/** A new document each time: the token is in the fragment, which alone changes no page. */
async function open(page, url) {
  await page.goto('about:blank');
  await page.goto(url);
}

async function seesTheLinksAccount({ page, errors }, w, lang) {
  for (const viewport of widths) {
    await page.setViewportSize(viewport);
    await open(page, link);
    await sees(page.getByRole('heading', { level: 1, name: w.heading, exact: true }));
    await sees(page.getByText(w.forAccount, { exact: true }));
    await sees(page.getByLabel(w.newPassword, { exact: true }));
    await fitsTheWidth(page, `reset page, ${viewport.width} px, ${lang}`);
    await screenshot(page, `i12-reset-for-account-${viewport.width}-${lang}`);
  }

  // A link that was used, has expired or was never given: no form to fill in vain.
  await open(page, '/reset-password#token=not-a-token-we-gave');
  await sees(page.getByRole('alert').filter({ hasText: w.dead }));
  await sees(page.getByRole('link', { name: w.askAgain }));
  await doesNotSee(page.getByLabel(w.newPassword, { exact: true }));
  await screenshot(page, `i12-reset-dead-link-360-${lang}`);
  noPageErrors(errors);
}
