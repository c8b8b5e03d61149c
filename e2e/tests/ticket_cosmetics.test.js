// The smaller defects of issue 12 on the ticket page: addresses in what people write are links
// (safe ones only), the file picker speaks the page's language, printing keeps the attachment
// names and drops the print button, and the five rating choices never leave one alone on a line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import {
  addFollowup, approveSolution, attachFile, createTicket, proposeSolution, updateProfile,
} from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const title = `Imprimante ${stamp} : le manuel en ligne`;
const docs = `https://docs.acme.test/imprimante?id=${stamp}`;
const mail = 'mailto:support@guichet.test';
const fileName = `releve-compteurs-${stamp}.txt`;

let browser;
let number;
let closed;
before(async () => {
  ({ number } = await createTicket(accounts.customer, {
    title,
    description: `Le manuel (${docs}) dit de cliquer javascript:alert(1) ou file:///etc/passwd.`,
  }));
  await addFollowup(accounts.customer, number, `Ou écrire à ${mail}.`);
  await attachFile(accounts.customer, number, fileName);
  ({ number: closed } = await createTicket(accounts.customer, { title: `Clavier ${stamp}`, description: 'Touche A bloquée.' }));
  await proposeSolution(accounts.agent, closed, 'Clavier remplacé.');
  await approveSolution(accounts.customer, closed);
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.customer, { locale: 'fr' });
});

const picker = {
  fr: { choose: 'Choisir un fichier', none: 'Aucun fichier choisi' },
  en: { choose: 'Choose a file', none: 'No file chosen' },
};

for (const [lang, viewport] of [['fr', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }]]) {
  test(`links, file picker and print on the ticket page (${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    await visit(page, `/tickets/${number}`);
    await sees(ticketPage(page, lang).heading(title));

    // Addresses are links, opened in the same tab, that give nothing to the site they lead to.
    for (const address of [docs, mail]) {
      const link = page.getByRole('link', { name: address, exact: true });
      await sees(link);
      assert.equal(await link.getAttribute('href'), address);
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
      assert.equal(await link.getAttribute('target'), null);
    }
    assert.equal(await page.locator('main a[href^="javascript:"], main a[href^="file:"]').count(), 0);

    // The picker in the page's language; the chosen file's name once chosen.
    const attach = page.locator('#attach-file');
    await sees(page.getByText(picker[lang].choose, { exact: true }));
    await sees(page.getByText(picker[lang].none, { exact: true }));
    await attach.setInputFiles({ name: 'photo.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await sees(page.locator('.file-chosen').getByText('photo.txt'));
    await screenshot(page, `i12-ticket-links-picker-${lang}-${viewport.width}`);

    // Printed: the attachment names are there, the print button is not.
    await page.emulateMedia({ media: 'print' });
    try {
      await sees(page.getByRole('button', { name: new RegExp(fileName) }));
      await doesNotSee(page.locator('button.print'));
      assert.equal(await page.locator('#attachments-heading').evaluate((h) => getComputedStyle(h).breakAfter), 'avoid');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    if (lang === 'en') await switchToFrench(page);
    noPageErrors(errors);
  });
}

for (const viewport of [{ width: 1366, height: 900 }, { width: 360, height: 740 }, { width: 400, height: 740 }]) {
  test(`the rating choices never leave one alone on a line (${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    await page.setViewportSize(viewport);
    await visit(page, `/tickets/${closed}`);
    await switchToFrench(page);
    const choices = page.getByRole('radio', { name: /sur 5/ });
    await sees(choices);
    const tops = await choices.evaluateAll((inputs) => inputs.map((i) => Math.round(i.getBoundingClientRect().top)));
    assert.equal(tops.length, 5);
    const perLine = Object.values(tops.reduce((lines, top) => ({ ...lines, [top]: (lines[top] ?? 0) + 1 }), {}));
    assert.ok(perLine.every((n) => n > 1), `choices per line: ${perLine.join(', ')}`);
    await page.getByRole('heading', { level: 2, name: /avis/i }).scrollIntoViewIfNeeded();
    await screenshot(page, `i12-rating-choices-${viewport.width}`);
    noPageErrors(errors);
  });
}

/** The controls under `scope` whose label breaks over more than one line. */
async function wrappedLabels(page, scope) {
  return page.locator(scope).evaluateAll((elements) => elements.filter((element) => {
    const style = getComputedStyle(element);
    const inner = element.getBoundingClientRect().height
      - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
      - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    return element.getClientRects().length > 1 || inner > line * 1.5;
  }).map((element) => element.textContent.trim()));
}

test('the agent header and panel wrap whole controls, never inside a label (1366 and 360 px, FR and EN)', async () => {
  const agent = await openBrowser({ locale: 'fr-FR' });
  try {
    const { page, errors } = agent;
    await visit(page, '/login');
    await signIn(page, accounts.agent);
    await isAt(page, '/');
    for (const [lang, viewport] of [['fr', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }]]) {
      await page.setViewportSize(viewport);
      if (lang === 'en') await switchToEnglish(page);
      await visit(page, `/tickets/${number}`);
      await sees(page.locator('.agent select').first());
      assert.deepEqual(await wrappedLabels(page, '.agent button'), [], `${lang}, ${viewport.width} px: panel`);
      assert.deepEqual(await wrappedLabels(page, '.site-header a, .site-header button'), [], `${lang}, ${viewport.width} px: header`);
      await screenshot(page, `i12-agent-panel-${lang}-${viewport.width}`);
    }
    await switchToFrench(page);
    noPageErrors(errors);
  } finally {
    await agent.close();
    await updateProfile(accounts.agent, { locale: 'fr' });
  }
});
