// Consented support access (issue 17, seed 003): an agent asks for access to Claire's account
// on one of her tickets; Claire sees "Activer l'assistance" on the ticket and in her profile,
// grants it for two hours; the agent starts an assisted session, sees the banner, writes a
// follow-up as "Agnès Support pour Claire Martin" and ends the session; Claire sees who wrote
// it and ends the access. Two people, two browsers; axe and 360 px on Claire's panel. The
// English pass also has Claire end the access while the session runs: the agent's next
// request is refused and the agent gets their own session back, told why.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit, writeFollowup } from '../support/actions.js';
import { createTicket, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fieldHasError, fitsTheWidth, isAccessible, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);

const words = {
  fr: {
    ask: "Demander l'accès au compte", requested: /^Demandé\s+Demandé par Agnès Support le /,
    granted: /^Autorisé\s+Accès autorisé par Claire Martin jusqu'au /,
    revoked: /^Retiré\s+Accès retiré par Claire Martin le /,
    enable: "Activer l'assistance", until: "L'accès au support est possible jusqu'au",
    tooFar: 'Choisissez une date dans les 7 jours à venir.', note: "Note pour l'équipe d'assistance (facultative)",
    grant: "Autoriser l'accès", grantedDone: "L'accès est autorisé.",
    grantedYours: /L'équipe d'assistance peut utiliser votre compte pour ce ticket jusqu'au /,
    start: 'Ouvrir une session assistée', banner: /^Vous agissez pour Claire Martin — session assistée jusqu'à \d/,
    endSession: 'Terminer la session', sessionEnded: 'La session assistée est terminée',
    sessionCut: 'La session assistée a pris fin', endAccess: "Mettre fin à l'accès", revokedDone: "L'accès est terminé.",
    message: 'Votre message', send: 'Envoyer le message', history: 'Historique',
    wrote: 'Agnès Support pour Claire Martin a écrit', profile: 'Mon profil', backToTicket: 'Revenir au ticket',
  },
  en: {
    ask: 'Ask for access to the account', requested: /^Requested\s+Asked by Agnès Support on /,
    granted: /^Granted\s+Access granted by Claire Martin until /,
    revoked: /^Withdrawn\s+Access withdrawn by Claire Martin on /,
    enable: 'Enable support access', until: 'Support access is possible until',
    tooFar: 'Choose a date within the next 7 days.', note: 'Note for the support team (optional)',
    grant: 'Grant access', grantedDone: 'Access is granted.',
    grantedYours: /The support team may use your account for this ticket until /,
    start: 'Start an assisted session', banner: /^You are acting for Claire Martin — assisted session until \d/,
    endSession: 'End the session', sessionEnded: 'The assisted session has ended',
    sessionCut: 'The assisted session ended', endAccess: 'End the access', revokedDone: 'The access has ended.',
    message: 'Your message', send: 'Send the message', history: 'History',
    wrote: 'Agnès Support for Claire Martin wrote', profile: 'My profile', backToTicket: 'Back to ticket',
  },
};

let agent;
let claire;
before(async () => {
  agent = await openBrowser({ locale: 'fr-FR' });
  claire = await openBrowser({ locale: 'fr-FR' });
  await visit(agent.page, '/login');
  await signIn(agent.page, accounts.agent);
  await isAt(agent.page, '/');
  await visit(claire.page, '/login');
  await signIn(claire.page, accounts.customer);
  await isAt(claire.page, '/');
});
after(async () => {
  await agent?.close();
  await claire?.close();
  // Both read French in the other test files.
  await updateProfile(accounts.agent, { locale: 'fr' });
  await updateProfile(accounts.customer, { locale: 'fr' });
});

/** The ticket's support-access panel of the agent's page. */
function staffPanel(page, lang) {
  return page.getByRole('region', { name: lang === 'fr' ? 'Accès au compte' : 'Account access', exact: true });
}

/** The state line of the agent's panel matches `pattern`. */
async function staffStateIs(page, lang, pattern) {
  await sees(staffPanel(page, lang));
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('.support-access p')?.innerText.trim() ?? ''),
    [pattern.source, pattern.flags],
  );
}

async function useLanguage(page, lang) {
  if (lang === 'en') await switchToEnglish(page);
  else await switchToFrench(page);
}

for (const lang of ['fr', 'en']) {
  test(`an agent acts for Claire with her consent, and she sees it and ends it (${lang})`, async () => {
    const w = words[lang];
    const title = `Assistance ${lang} ${stamp} : l'imprimante refuse mon badge`;
    const { number } = await createTicket(accounts.customer, { title, description: "Le badge n'est pas reconnu." });
    const a = agent.page;
    const c = claire.page;
    await a.setViewportSize({ width: 1366, height: 900 });
    await c.setViewportSize({ width: 1366, height: 900 });
    await useLanguage(a, lang);
    await useLanguage(c, lang);

    // The agent asks, from the keyboard.
    await visit(a, `/tickets/${number}`);
    await sees(ticketPage(a, lang).heading(title));
    const ask = a.getByRole('button', { name: w.ask });
    await ask.focus();
    await a.keyboard.press('Enter');
    await staffStateIs(a, lang, w.requested);
    await doesNotSee(ask);

    // Claire sees the request in her profile, with a link to the ticket...
    await visit(c, '/profile');
    const inProfile = c.getByRole('region', { name: w.enable, exact: true });
    const link = inProfile.getByRole('link', { name: new RegExp(number.replace('.', '\\.')) });
    await sees(link);
    await screenshot(c, `i17-access-profile-1366-${lang}`);
    await isAccessible(c, `the profile's access panel (${lang})`);
    await link.click();
    await isAt(c, `/tickets/${number}`);

    // ...and on the ticket: "Activer l'assistance", two hours ahead unless she chooses.
    const panel = c.getByRole('region', { name: w.enable, exact: true });
    await sees(panel);
    const until = panel.getByLabel(w.until, { exact: true });
    const proposed = await until.inputValue();
    const twoHours = await c.evaluate((value) => (new Date(value).getTime() - Date.now()) / 3600000, proposed);
    assert.ok(twoHours > 1.9 && twoHours <= 2, `until proposes ${proposed}, ${twoHours} h ahead`);
    await isAccessible(c, `Claire's access panel on the ticket (${lang})`);
    await c.setViewportSize({ width: 360, height: 740 });
    await panel.scrollIntoViewIfNeeded();
    await fitsTheWidth(c, `Claire's access panel, 360 px, ${lang}`);
    await screenshot(c, `i17-access-panel-360-${lang}`);
    await c.setViewportSize({ width: 1366, height: 900 });

    // More than 7 days ahead is refused in the browser, under the field.
    const far = await c.evaluate(() => {
      const d = new Date(Date.now() + 8 * 24 * 3600000);
      const pad = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await until.fill(far);
    await panel.getByRole('button', { name: w.grant }).click();
    await fieldHasError(until, w.tooFar);
    await until.fill(proposed);
    await panel.getByLabel(w.note).fill('Seulement pour le badge');
    await panel.getByRole('button', { name: w.grant }).click();
    await sees(c.getByText(w.grantedDone));
    await sees(c.getByText(w.grantedYours));

    // The agent sees the grant and starts a session: the banner, Claire's view of the ticket.
    await a.reload();
    await staffStateIs(a, lang, w.granted);
    await screenshot(a, `i17-access-granted-agent-1366-${lang}`);
    await a.getByRole('button', { name: w.start }).click();
    const banner = a.locator('#assisted-banner');
    await sees(banner);
    assert.match((await banner.locator('p').innerText()).trim(), w.banner);
    await doesNotSee(staffPanel(a, lang));
    await screenshot(a, `i17-assisted-banner-1366-${lang}`);
    // The keyboard is taken to the banner: its button is next.
    await a.waitForFunction(() => document.activeElement?.id === 'assisted-banner');
    await a.keyboard.press('Tab');
    assert.equal(await a.evaluate(() => document.activeElement?.textContent.trim()), w.endSession);
    // The header links none of the pages the server would refuse the session; the banner
    // links the access's ticket.
    assert.equal(await a.getByRole('banner').getByRole('navigation').count(), 0);
    assert.equal(await a.getByRole('banner').getByRole('link', { name: w.profile, exact: true }).count(), 0);
    const back = banner.getByRole('link', { name: `${w.backToTicket} ${number}`, exact: true });
    await sees(back);
    assert.equal(await back.getAttribute('href'), `/tickets/${number}`);
    await a.setViewportSize({ width: 360, height: 740 });
    await fitsTheWidth(a, `the assisted banner, 360 px, ${lang}`);
    await screenshot(a, `i17-assisted-banner-360-${lang}`);
    await a.setViewportSize({ width: 1366, height: 900 });
    const body = `Badge réenregistré ${lang} ${stamp}`;
    await a.getByRole('textbox', { name: w.message }).fill(body);
    await a.getByRole('button', { name: w.send }).click();
    const history = a.getByRole('region', { name: w.history, exact: true });
    const written = history.getByRole('listitem').filter({ hasText: body });
    await sees(written);
    assert.match(await written.innerText(), new RegExp(w.wrote));

    if (lang === 'fr') {
      // The agent ends the session, from the keyboard, and is themself again.
      await banner.getByRole('button', { name: w.endSession }).focus();
      await a.keyboard.press('Enter');
      await sees(a.getByText(w.sessionEnded));
      await doesNotSee(banner);
      await staffStateIs(a, lang, w.granted);
    } else {
      // Claire ends the access while the session runs: the agent's next request is refused.
      await c.reload();
      await c.getByRole('button', { name: w.endAccess }).click();
      await sees(c.getByText(w.revokedDone));
      await a.reload();
      await sees(a.getByText(w.sessionCut));
      await doesNotSee(banner);
      await staffStateIs(a, lang, w.revoked);
    }

    // Claire sees who wrote the follow-up.
    await c.reload();
    const seen = c.getByRole('region', { name: w.history, exact: true }).getByRole('listitem').filter({ hasText: body });
    await sees(seen);
    assert.match(await seen.innerText(), new RegExp(w.wrote));

    if (lang === 'fr') {
      // She ends the access; the agent sees it withdrawn, and may ask again.
      await c.getByRole('button', { name: w.endAccess }).click();
      await sees(c.getByText(w.revokedDone));
      await doesNotSee(c.getByRole('region', { name: w.enable, exact: true }));
      await a.reload();
      await staffStateIs(a, lang, w.revoked);
      await sees(a.getByRole('button', { name: w.ask }));
    }
    noPageErrors(agent.errors);
    noPageErrors(claire.errors);
  });
}
