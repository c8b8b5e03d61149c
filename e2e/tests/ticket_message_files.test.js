// Issue 12, seed 002 ("un commentaire et/ou un document"): one Send carries a message, files, or
// both; the history shows a message and its files as one entry; a file that failed to go stays
// chosen, named, to be sent again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, createTicket, get, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 900 };

const words = {
  fr: {
    message: 'Votre message', files: 'Fichiers à joindre au message', send: 'Envoyer le message',
    empty: 'Écrivez un message ou choisissez un fichier.', tooLarge: 'Ce fichier dépasse 2 Mo',
    both: 'Votre message et ses fichiers ont été ajoutés.', one: 'Le fichier a été joint.',
    failed: (name) => `Ces fichiers n'ont pas pu être joints\u00a0: ${name}.`, oneChosen: '1 fichier choisi',
    wrote: 'Claire Martin a écrit', attached: 'a joint le fichier', download: 'Télécharger',
    listName: 'Fichiers joints au message',
  },
  en: {
    message: 'Your message', files: 'Files to send with the message', send: 'Send the message',
    empty: 'Write a message or choose a file.', tooLarge: 'This file is over 2 MB',
    both: 'Your message and its files have been added.', one: 'The file has been attached.',
    failed: (name) => `These files could not be attached: ${name}.`, oneChosen: '1 file chosen',
    wrote: 'Claire Martin wrote', attached: 'attached the file', download: 'Download',
    listName: 'Files sent with the message',
  },
};

const text = (name, body) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(body) });

let customer;
before(async () => {
  customer = await openBrowser({ locale: 'fr-FR' });
  await visit(customer.page, '/login');
  await signIn(customer.page, accounts.customer);
  await isAt(customer.page, '/');
});
after(async () => {
  try {
    await updateProfile(accounts.customer, { locale: 'fr' });
  } finally {
    await customer?.close();
  }
});

async function attachmentsOf(number) {
  return get(await accessToken(accounts.customer), `/api/v1/tickets/${number}/attachments`);
}

test('one Send carries a message and its files, shown as one entry of the history', async () => {
  const { page, errors } = customer;
  for (const [lang, viewport] of [['fr', DESKTOP], ['en', PHONE]]) {
    const w = words[lang];
    const { number } = await createTicket(accounts.customer, {
      title: `Lecteur ${stamp} ${lang} : ne lit plus les cartes`, description: 'Depuis la mise à jour.',
    });
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    await visit(page, `/tickets/${number}`);
    const message = page.getByRole('textbox', { name: w.message, exact: true });
    const chooser = page.getByLabel(w.files, { exact: true });
    const send = page.getByRole('button', { name: w.send, exact: true });
    const history = ticketPage(page, lang).history;
    const entries = history.locator('ol.timeline > li');
    await sees(message);
    await sees(entries.first());
    const before = await entries.count();

    // Neither text nor file: said under the message, nothing sent.
    await send.click();
    await fieldHasError(message, w.empty);
    // A file over 2 MB is refused before anything goes.
    await message.fill(`Les journaux du lecteur (${stamp})`);
    await chooser.setInputFiles({ name: 'enorme.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
    await fieldHasError(chooser, w.tooLarge);
    await send.click();
    await fieldHasError(chooser, w.tooLarge);
    assert.equal(await entries.count(), before);

    await chooser.setInputFiles([text(`lecteur-${lang}.log`, 'carte refusée\n'), text(`config-${lang}.txt`, 'mode=badge\n')]);
    await send.click();
    await sees(page.getByText(w.both));
    const entry = entries.filter({ hasText: `Les journaux du lecteur (${stamp})` });
    await sees(entry.getByRole('button', { name: `${w.download} lecteur-${lang}.log` }));
    await sees(entry.getByRole('button', { name: `${w.download} config-${lang}.txt` }));
    await sees(entry.getByRole('list', { name: w.listName }));
    // One entry: no separate "attached the file" lines, and both files on the ticket.
    assert.equal(await entries.count(), before + 1);
    assert.equal(await history.getByText(w.attached).count(), 0);
    assert.deepEqual((await attachmentsOf(number)).map((a) => a.file_name).sort(), [`config-${lang}.txt`, `lecteur-${lang}.log`]);
    // The files listed with the message download like the attachments list.
    const download = page.waitForEvent('download');
    await entry.getByRole('button', { name: `${w.download} lecteur-${lang}.log` }).click();
    assert.equal((await download).suggestedFilename(), `lecteur-${lang}.log`);
    await entry.scrollIntoViewIfNeeded();
    await fitsTheWidth(page, `message with files ${lang}`);
    await screenshot(page, `i12-message-files-${lang}-${viewport.width}`);
  }
  await switchToFrench(page);
  await page.setViewportSize(DESKTOP);
  noPageErrors(errors);
});

test('files alone are a message too; a file that failed stays chosen and goes with the next Send', async () => {
  const { page, errors } = customer;
  for (const [lang, viewport] of [['fr', DESKTOP], ['en', PHONE]]) {
    const w = words[lang];
    const { number } = await createTicket(accounts.customer, {
      title: `Badge ${stamp} ${lang} : photo du lecteur`, description: 'Voir la photo.',
    });
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    await visit(page, `/tickets/${number}`);
    const message = page.getByRole('textbox', { name: w.message, exact: true });
    const chooser = page.getByLabel(w.files, { exact: true });
    const send = page.getByRole('button', { name: w.send, exact: true });
    await sees(message);

    // The network drops the upload: the text is saved, the file is named and stays chosen.
    customer.excuse(/^failed POST \S+\/attachments: net::ERR_FAILED$/);
    await page.route('**/api/v1/tickets/*/attachments', (route) => (
      route.request().method() === 'POST' ? route.abort() : route.continue()
    ));
    await message.fill(`La photo suit (${stamp})`);
    await chooser.setInputFiles(text(`photo-${lang}.txt`, 'voyant rouge\n'));
    await send.click();
    const notice = page.locator('#followup-notice');
    await sees(notice.getByText(w.failed(`photo-${lang}.txt`)));
    assert.deepEqual(await page.locator('main .flash:visible, main .alert:visible').allInnerTexts(), [await notice.innerText()]);
    await sees(page.getByText(w.oneChosen));
    assert.equal(await chooser.evaluate((input) => [...input.files].map((f) => f.name).join()), `photo-${lang}.txt`);
    assert.equal(await message.inputValue(), '');
    await sees(ticketPage(page, lang).history.getByText(`La photo suit (${stamp})`));
    assert.deepEqual(await attachmentsOf(number), []);
    await screenshot(page, `i12-message-file-failed-${lang}-${viewport.width}`);

    // Sent again, alone: no text needed.
    await page.unroute('**/api/v1/tickets/*/attachments');
    await send.click();
    await sees(page.getByText(w.one));
    assert.deepEqual((await attachmentsOf(number)).map((a) => a.file_name), [`photo-${lang}.txt`]);
    assert.equal(await chooser.evaluate((input) => input.files.length), 0);
    await sees(page.getByRole('button', { name: `${w.download} photo-${lang}.txt` }).first());
    await screenshot(page, `i12-message-file-resent-${lang}-${viewport.width}`);
  }
  await switchToFrench(page);
  await page.setViewportSize(DESKTOP);
  noPageErrors(errors);
});
