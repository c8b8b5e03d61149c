// The help centre (issue 17): a visitor who is not signed in finds a public article by a word
// typed without its accent; Claire, typing a new ticket's title, is offered an article, opens
// it, says it helped and leaves without writing the ticket — a vote and a ticket avoided that
// the support team reads — then opens one, comes back and writes the ticket: none avoided; an agent
// edits an article with its preview and sees the new revision; "Votre prestataire" shows
// Claire's phone line. In English, on a phone and axe-clean too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fillTicket, signIn, signOut, submitTicket, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, createTicket, get, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAccessible, isAt, isAtTicket, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { header, newTicketForm } from '../support/locators.js';

const SLUG = 'redemarrer-la-box-fibre';
const TITLE_FR = 'Redémarrer la box fibre';
const TITLE_EN = 'Restarting the fibre router';

async function counters(slug) {
  return get(await accessToken(accounts.agent), `/api/v1/articles/${slug}`);
}

/** The articles this tab opened from the new-ticket form and has not counted yet. */
async function pendingInTab(page) {
  return JSON.parse((await page.evaluate(() => sessionStorage.getItem('guichet.avoided'))) ?? '[]');
}

/** Polls the article's counter briefly: the SPA tells the server as the customer leaves. */
async function avoidedBecomes(slug, expected) {
  let seen;
  for (let attempt = 0; attempt < 30; attempt += 1) {
    seen = (await counters(slug)).avoided_tickets;
    if (seen === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(seen, expected);
}

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.customer, { locale: 'fr' });
});

test('signed out, a visitor finds a public article by a word without its accent', async () => {
  const { page, errors } = browser;
  await visit(page, '/login');
  await page.getByRole('link', { name: 'Aide / FAQ' }).click();
  await isAt(page, '/help');
  await sees(page.getByRole('heading', { level: 1, name: 'Aide / FAQ' }));
  await page.getByRole('searchbox', { name: "Rechercher dans l'aide" }).fill('redemarrer');
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  const result = page.getByRole('link', { name: TITLE_FR });
  await sees(result);
  // Customers' articles are not for visitors.
  assert.equal(await page.getByRole('link', { name: 'Connexion lente : que vérifier ?' }).count(), 0);
  await isAccessible(page, 'the help centre signed out');
  await result.click();
  await isAt(page, `/help/${SLUG}`);
  await sees(page.getByRole('heading', { level: 1, name: TITLE_FR }));
  await sees(page.getByRole('link', { name: 'English version' }));
  await sees(page.getByRole('heading', { name: 'Cet article a-t-il été utile ?' }));
  await isAccessible(page, 'an article signed out');
  await screenshot(page, '150-help-article-signed-out');

  // An anonymous vote is counted for this browser.
  await page.getByRole('button', { name: 'Non', exact: true }).click();
  await sees(page.getByText('Merci pour votre réponse.'));
  const voter = await page.evaluate(() => localStorage.getItem('guichet.voter'));
  assert.match(voter ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  noPageErrors(errors);
});

test('Claire opens an article the form suggested, says it helped and leaves without a ticket: one avoided', async () => {
  const { page, errors } = browser;
  const before = await counters(SLUG);
  await visit(page, '/login');
  await signIn(page, accounts.customer);
  await isAt(page, '/');
  await sees(page.getByRole('navigation').getByRole('link', { name: 'Aide / FAQ' }));
  await visit(page, '/tickets/new');
  await page.getByRole('textbox', { name: /Titre/ }).fill('Ma box fibre ne redémarre plus');
  const region = page.getByRole('region', { name: 'Ces articles peuvent vous aider' });
  await sees(region);
  assert.ok((await region.getByRole('link').count()) <= 5);
  await isAccessible(page, 'the new-ticket form with suggestions');
  await screenshot(page, '151-new-ticket-suggestions');
  await region.getByRole('link', { name: TITLE_FR }).click();
  await isAt(page, `/help/${SLUG}`);
  await sees(page.getByRole('heading', { level: 1, name: TITLE_FR }));
  assert.deepEqual(await pendingInTab(page), [SLUG]);
  await page.getByRole('button', { name: 'Oui', exact: true }).click();
  await sees(page.getByText('Merci pour votre réponse.'));
  // An optional comment replaces the vote, which still counts once.
  await page.getByRole('textbox', { name: 'Un commentaire (facultatif)' }).fill('Le voyant est vert.');
  await page.getByRole('button', { name: 'Envoyer le commentaire' }).click();
  await sees(page.getByText('Merci, votre commentaire est enregistré.'));
  // "Oui" is only a vote: she may still write the ticket.
  const read = await counters(SLUG);
  assert.equal(read.helpful_count, before.helpful_count + 1);
  assert.equal(read.avoided_tickets, before.avoided_tickets);

  // She goes to her tickets without creating one: the article avoided it.
  await header(page).myTickets.click();
  await isAt(page, '/tickets');
  await avoidedBecomes(SLUG, before.avoided_tickets + 1);
  assert.deepEqual(await pendingInTab(page), []);
  noPageErrors(errors);
});

test('Claire opens a suggested article, goes back to the form and creates the ticket: none avoided', async () => {
  const { page, errors } = browser;
  const before = await counters(SLUG);
  await visit(page, '/tickets/new');
  const form = newTicketForm(page);
  await form.title.fill('Ma box fibre ne redémarre toujours pas');
  const region = page.getByRole('region', { name: 'Ces articles peuvent vous aider' });
  await region.getByRole('link', { name: TITLE_FR }).click();
  await isAt(page, `/help/${SLUG}`);
  await sees(page.getByRole('heading', { level: 1, name: TITLE_FR }));
  assert.deepEqual(await pendingInTab(page), [SLUG]);
  await page.goBack();
  await isAt(page, '/tickets/new');
  await fillTicket(page, { title: 'Ma box fibre ne redémarre toujours pas', description: "L'article ne m'a pas aidée." });
  await submitTicket(page);
  await isAtTicket(page);
  assert.deepEqual(await pendingInTab(page), []);
  // Leaving the form for the new ticket's page counts nothing: give a request the time to land.
  await page.waitForTimeout(500);
  assert.equal((await counters(SLUG)).avoided_tickets, before.avoided_tickets);
  noPageErrors(errors);
});

test('in English, on a phone, the help centre and an article fit and are accessible', async () => {
  const { page, errors } = browser;
  await switchToEnglish(page);
  await page.setViewportSize({ width: 360, height: 800 });
  await visit(page, '/help');
  await sees(page.getByRole('heading', { level: 1, name: 'Help / FAQ' }));
  await page.getByRole('searchbox', { name: 'Search the help' }).fill('router');
  await page.getByRole('searchbox', { name: 'Search the help' }).press('Enter');
  const result = page.getByRole('link', { name: TITLE_EN });
  await sees(result);
  await fitsTheWidth(page, 'the help centre');
  await isAccessible(page, 'the help centre in English on a phone');
  // With the keyboard: the result is reached and opened with Enter.
  await result.focus();
  await page.keyboard.press('Enter');
  await isAt(page, '/help/restart-the-fibre-router');
  await sees(page.getByRole('heading', { level: 1, name: TITLE_EN }));
  await sees(page.getByRole('link', { name: 'Version française' }));
  await sees(page.getByRole('heading', { name: 'Was this article helpful?' }));
  await fitsTheWidth(page, 'an article');
  await isAccessible(page, 'an article in English on a phone');
  await screenshot(page, '152-help-article-en-360');
  await page.setViewportSize({ width: 1280, height: 900 });
  await switchToFrench(page);
  noPageErrors(errors);
});

test('"Votre prestataire" shows Claire her phone line, in both languages', async () => {
  const { page, errors } = browser;
  await visit(page, '/provider');
  await sees(page.getByRole('heading', { level: 1, name: 'Votre prestataire' }));
  await sees(page.getByRole('heading', { name: 'Horaires' }));
  await sees(page.getByText(/03 89 00 00 00/));
  await isAccessible(page, 'the provider page');
  await switchToEnglish(page);
  try {
    await sees(page.getByRole('heading', { level: 1, name: 'Your provider' }));
    await sees(page.getByRole('heading', { name: 'Hours' }));
    await sees(page.getByText(/03 89 00 00 00/));
    await page.setViewportSize({ width: 360, height: 800 });
    await visit(page, '/provider');
    await sees(page.getByRole('heading', { level: 1, name: 'Your provider' }));
    await sees(page.getByText(/03 89 00 00 00/));
    await fitsTheWidth(page, 'the provider page');
    await isAccessible(page, 'the provider page in English on a phone');
    await screenshot(page, '153-provider-en-360');
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
    await switchToFrench(page);
  }
  noPageErrors(errors);
});

test('an agent edits an article with its preview, sees a new revision and links it in a follow-up', async () => {
  const { page, errors } = browser;
  const ticket = await createTicket(accounts.customer, { title: `Box ${Date.now().toString(36)}`, description: 'Plus de connexion.' });
  await signOut(page);
  await signIn(page, accounts.agent);
  await isAt(page, '/');
  await visit(page, '/admin');
  await page.getByRole('link', { name: "Articles de l'aide" }).click();
  await isAt(page, '/admin/articles');
  await sees(page.getByRole('columnheader', { name: 'Tickets évités' }));
  await isAccessible(page, 'the list of articles');
  await page.getByRole('link', { name: TITLE_FR }).click();
  await isAt(page, `/admin/articles/${SLUG}`);
  const revisions = page.locator('.revision');
  await sees(revisions);
  const before = await revisions.count();

  const body = page.getByRole('textbox', { name: 'Contenu (Markdown)' });
  await body.fill(`${await body.inputValue()}\n\nVérifiez aussi le **câble optique**.`);
  await page.getByRole('button', { name: 'Aperçu', exact: true }).click();
  await sees(page.getByRole('region', { name: 'Aperçu' }).locator('strong', { hasText: 'câble optique' }));
  await isAccessible(page, 'the editor with its preview');
  await screenshot(page, '154-article-editor-preview');
  await page.getByRole('button', { name: 'Rédaction', exact: true }).click();
  await page.getByRole('checkbox', { name: "Marquer comme vérifié aujourd'hui" }).check();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await sees(page.getByText("L'article est enregistré."));
  await page.waitForFunction((n) => document.querySelectorAll('.revision').length === n + 1, before);

  // The article's page shows the team its counters, and the new text.
  await page.getByRole('link', { name: "Voir l'article" }).click();
  await isAt(page, `/help/${SLUG}`);
  await sees(page.getByText('câble optique'));
  await sees(page.getByRole('heading', { name: 'Statistiques' }));
  await sees(page.getByText('Tickets évités'));

  // One click after a search puts the article's link in the follow-up.
  await visit(page, `/tickets/${ticket.number}`);
  await page.getByRole('button', { name: 'Insérer un article' }).click();
  await page.getByRole('searchbox', { name: "Chercher un article de l'aide" }).fill('box');
  await page.getByRole('searchbox', { name: "Chercher un article de l'aide" }).press('Enter');
  await page.getByRole('button', { name: new RegExp(`^Insérer «.${TITLE_FR}.»$`) }).click();
  const message = page.getByRole('textbox', { name: 'Votre message' });
  assert.match(await message.inputValue(), new RegExp(`${TITLE_FR}: http://[^/]+/help/${SLUG}`));
  await isAccessible(page, 'the follow-up with an article linked');
  noPageErrors(errors);
});

test('an administrator writes the provider page in both languages with a preview', async () => {
  const { page, errors } = browser;
  const stamp = Date.now().toString(36);
  await signOut(page);
  await signIn(page, accounts.admin);
  await isAt(page, '/');
  await page.getByRole('navigation').getByRole('link', { name: 'Votre prestataire' }).click();
  await isAt(page, '/provider');
  await page.getByRole('button', { name: 'Modifier la page' }).click();
  const fr = page.getByRole('textbox', { name: 'Page en français (Markdown)' });
  const en = page.getByRole('textbox', { name: 'Page en anglais (Markdown)' });
  await sees(fr);
  await sees(en);
  await fr.fill(`${await fr.inputValue()}\n\nAstreinte **${stamp}**.`);
  await en.fill(`${await en.inputValue()}\n\nOn call **${stamp}**.`);
  await isAccessible(page, 'the provider page being edited');
  await page.locator('.markdown-editor').first().getByRole('button', { name: 'Aperçu' }).click();
  await sees(page.locator('.preview strong', { hasText: stamp }));
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await sees(page.getByText('La page est enregistrée.'));
  await sees(page.getByText(`Astreinte ${stamp}.`));
  const english = await get(await accessToken(accounts.customer), '/api/v1/provider-page?locale=en');
  assert.match(english.body_markdown, new RegExp(`On call \\*\\*${stamp}\\*\\*`));
  noPageErrors(errors);
});
