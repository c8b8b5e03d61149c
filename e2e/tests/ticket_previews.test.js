// Issue 12: attached images get a small preview on the ticket page, made from the bytes the
// page downloads with the session's token (a blob: URL the CSP allows), never for SVG, and
// freed when the page goes away.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';

import { recordApi, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { createTicket, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 900 };

/** A plain red PNG of `width` × `height` pixels. */
function png(width, height) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let r = 0xffffffff;
    for (const b of bytes) r = table[(r ^ b) & 0xff] ^ (r >>> 8);
    return (r ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill([200, 30, 30]).flat())]);
  const pixels = Buffer.concat(Array(height).fill(row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(pixels)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const words = {
  fr: { message: 'Votre message', files: 'Fichiers à joindre au message', send: 'Envoyer le message', done: 'Votre message et ses fichiers ont été ajoutés.', tickets: 'Mes tickets', attachments: 'Pièces jointes' },
  en: { message: 'Your message', files: 'Files to send with the message', send: 'Send the message', done: 'Your message and its files have been added.', tickets: 'My tickets', attachments: 'Attachments' },
};

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

test('an attached image shows a small preview, an SVG none; the previews are freed with the page', async () => {
  const { page, errors } = customer;
  const answers = recordApi(page);
  for (const [lang, viewport] of [['fr', DESKTOP], ['en', PHONE]]) {
    const w = words[lang];
    const { number } = await createTicket(accounts.customer, {
      title: `Écran ${stamp} ${lang} : bandes rouges`, description: 'Voir la photo.',
    });
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    await visit(page, `/tickets/${number}`);
    await sees(page.getByRole('textbox', { name: w.message, exact: true }));
    const photo = `bandes-${lang}.png`;
    const drawing = `schema-${lang}.svg`;
    await page.getByRole('textbox', { name: w.message, exact: true }).fill(`La photo et le schéma (${stamp})`);
    await page.getByLabel(w.files, { exact: true }).setInputFiles([
      // Wider than the preview: it is shown small.
      { name: photo, mimeType: 'image/png', buffer: png(640, 320) },
      { name: drawing, mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    ]);
    await page.getByRole('button', { name: w.send, exact: true }).click();
    await sees(page.getByText(w.done));

    // In the history (under the message) and in the attachments list, from one download.
    const history = ticketPage(page, lang).history;
    const attachments = page.getByRole('region', { name: w.attachments, exact: true });
    for (const where of [history, attachments]) {
      const preview = where.getByRole('img', { name: photo, exact: true });
      await sees(preview);
      const shown = await preview.evaluate((img) => ({
        src: img.src, natural: img.naturalWidth, width: img.getBoundingClientRect().width,
      }));
      assert.match(shown.src, /^blob:/);
      assert.equal(shown.natural, 640, 'the image decoded (the CSP allows blob:)');
      assert.ok(shown.width <= 160, `shown ${shown.width} px wide`);
      await sees(where.getByRole('button', { name: new RegExp(drawing) }));
      assert.equal(await where.getByRole('img', { name: drawing }).count(), 0, 'no preview of an SVG');
    }
    await page.waitForFunction(() => [...document.querySelectorAll('img.thumbnail')].every((img) => img.complete));
    const downloads = answers.filter((a) => a.method === 'GET' && /^\/api\/v1\/attachments\/\d+$/.test(a.path));
    assert.equal(downloads.length, 1, `one download per image: ${JSON.stringify(downloads)}`);
    answers.length = 0;
    await fitsTheWidth(page, `previews ${lang}`);
    await screenshot(page, `i12-image-preview-${lang}-${viewport.width}`);

    // Leaving the page frees the previews' URLs.
    const src = await attachments.getByRole('img', { name: photo, exact: true }).getAttribute('src');
    await page.getByRole('link', { name: w.tickets, exact: true }).click();
    await isAt(page, '/tickets');
    // Loaded as an image (img-src allows blob:; fetch would be refused by connect-src).
    const read = await page.evaluate((url) => new Promise((resolve) => {
      const probe = new Image();
      probe.onload = () => resolve('readable');
      probe.onerror = () => resolve('freed');
      probe.src = url;
    }), src);
    assert.equal(read, 'freed');
  }
  await switchToFrench(page);
  await page.setViewportSize(DESKTOP);
  // A CSP refusal of the blob: image would show up here.
  noPageErrors(errors);
});
