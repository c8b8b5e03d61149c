// The customer decides on a solution they can see (issue 12): the box shows the pending
// proposal (the second, after a rejection), with who proposed it and when; the mail's link
// `/tickets/{number}#solution` takes the reader to it; the history marks each proposal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { createTicket, proposeSolution, rejectSolution, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { doesNotSee, fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { ticketPage } from '../support/locators.js';

const stamp = Date.now().toString(36);
const title = `Messagerie ${stamp} : les pièces jointes ne partent plus`;
const firstSolution = `Videz le cache d'Outlook (${stamp})`;
const rejection = `Toujours bloqué (${stamp})`;
const secondSolution = `La limite d'envoi est passée à 25 Mo (${stamp})`;

const words = {
  fr: {
    heading: 'Une solution vous est proposée', label: 'Solution proposée',
    rejected: 'Solution proposée (rejetée)', pending: 'Solution proposée (en attente de votre réponse)',
    by: /^Proposée par Agnès Support le /,
  },
  en: {
    heading: 'A solution is proposed to you', label: 'Proposed solution',
    rejected: 'Proposed solution (rejected)', pending: 'Proposed solution (awaiting your answer)',
    by: /^Proposed by Agnès Support on /,
  },
};

let browser;
let number;
before(async () => {
  ({ number } = await createTicket(accounts.customer, { title, description: 'Rien ne part depuis lundi.' }));
  await proposeSolution(accounts.agent, number, firstSolution);
  await rejectSolution(accounts.customer, number, rejection);
  await proposeSolution(accounts.agent, number, secondSolution);
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.customer, { locale: 'fr' });
});

for (const [lang, viewport] of [
  ['fr', { width: 1366, height: 900 }], ['fr', { width: 360, height: 740 }],
  ['en', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }],
]) {
  test(`the box shows the pending solution and the history marks the rejected one (${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    const w = words[lang];
    await page.setViewportSize(viewport);
    if (lang === 'en') await switchToEnglish(page);
    else await switchToFrench(page);
    // The link the solution mail carries.
    await visit(page, `/tickets/${number}#solution`);
    const box = page.locator('#solution');
    await sees(box.getByRole('heading', { name: w.heading }));
    await sees(box.getByText(secondSolution));
    await doesNotSee(box.getByText(firstSolution));
    await sees(box.getByText(w.by));
    // Taken there: the box has the focus, and is on screen.
    await page.waitForFunction(() => document.activeElement?.id === 'solution');
    const top = await box.evaluate((element) => element.getBoundingClientRect().top);
    // Scrolled to its top edge (within a pixel: layouts round).
    assert.ok(top > -1 && top < viewport.height, `the box is on screen (top ${top})`);

    const ticket = ticketPage(page, lang);
    await sees(ticket.event(firstSolution).filter({ hasText: w.rejected }));
    await sees(ticket.event(secondSolution).filter({ hasText: w.pending }));
    await fitsTheWidth(page, `solution box, ${lang}, ${viewport.width} px`);
    await screenshot(page, `i12-solution-box-${lang}-${viewport.width}`);
    noPageErrors(errors);
  });
}
