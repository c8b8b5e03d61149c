// Issue 12 on the ticket page: one success banner per action, the previous one gone (they used
// to pile up), and the follow-up form of a resolved ticket saying, before sending, that the
// message withdraws the proposed solution.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  fillTicket, signIn, submitTicket, switchToEnglish, switchToFrench, visit, writeFollowup,
} from '../support/actions.js';
import { proposeSolution, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage, words } from '../support/locators.js';

const stamp = Date.now().toString(36);
const title = `Badgeuse ${stamp} : l'accueil ne lit plus les badges`;

let browser;
let number;
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

/** The success and failure banners the page shows now. */
async function banners(page) {
  return page.locator('main .flash:visible, main .alert:visible').allInnerTexts();
}

test('each action shows its own banner and takes the previous one away', async () => {
  const { page, errors } = browser;
  await visit(page, '/tickets/new');
  await fillTicket(page, { title, description: 'Depuis la coupure de courant de ce matin.' });
  await submitTicket(page);
  number = await isAtTicket(page);
  await sees(page.getByRole('status').filter({ hasText: words.fr.created }));
  assert.equal((await banners(page)).length, 1);

  await writeFollowup(page, `Le voyant reste rouge (${stamp})`);
  await sees(page.getByText('Votre message a été ajouté.'));
  assert.deepEqual(await banners(page), ['Votre message a été ajouté.']);

  const ticket = ticketPage(page);
  await ticket.attachFile.setInputFiles({ name: 'photo-badgeuse.txt', mimeType: 'text/plain', buffer: Buffer.from('voyant rouge\n') });
  await ticket.attach.click();
  await sees(page.getByText('Le fichier a été joint.'));
  assert.deepEqual(await banners(page), ['Le fichier a été joint.']);
  await screenshot(page, 'i12-one-banner-fr-1366');
  noPageErrors(errors);
});

const note = {
  fr: "Une solution vous est proposée : envoyer ce message l'annule et remet le ticket en cours.",
  en: 'A solution is proposed to you: sending this message withdraws it and puts the ticket back in progress.',
};
const send = { fr: 'Envoyer le message', en: 'Send the message' };

test('on a resolved ticket, the follow-up form says before sending that it withdraws the solution', async () => {
  const { page, errors } = browser;
  await proposeSolution(accounts.agent, number, `Le lecteur a été redémarré (${stamp})`);
  for (const [lang, viewport] of [['fr', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }]]) {
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    await visit(page, `/tickets/${number}`);
    const button = page.getByRole('button', { name: send[lang] });
    await sees(button);
    const shown = page.locator('#followup-resolved-note');
    await sees(shown);
    assert.match((await shown.innerText()).replace(/\u00a0/g, ' '), new RegExp(`^${note[lang].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Read with the button too.
    assert.equal(await button.getAttribute('aria-describedby'), 'followup-resolved-note');
    await shown.scrollIntoViewIfNeeded();
    await screenshot(page, `i12-resolved-followup-note-${lang}-${viewport.width}`);
  }
  await switchToFrench(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  noPageErrors(errors);
});
