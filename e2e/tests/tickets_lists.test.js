// The ticket lists of issue 12 ("What a new user tripped over"): what is listed lives in the
// address (Back, a reload, a bookmark), the dates' headers sort, "load more" follows every
// filter and order, an empty list says why and what to do, each list has one name everywhere,
// the referent's company view shows and filters who asked, and the cosmetic fixes (unassigned
// cells, the queue's filters folding on a phone, long words wrapping).
// Named to run after password_change.test.js: both change the generic password of
// nouveau@acme.test to the same one (this file does it only when run alone).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { changePassword, signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { accessToken, categories, createTicket, get, postTicket, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fitsTheWidth, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';

const stamp = Date.now().toString(36);
// One word that only this file's tickets contain: the search finds them and nothing else.
const word = `Lot${stamp}`;
const COUNT = 30;
const titleOf = (n) => `${word} poste ${String(n).padStart(2, '0')}`;
const longWord = `${'Anticonstitutionnellement'.repeat(6)}${stamp}`;
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 360, height: 740 };
const nouveau = { email: accounts.mustChangePassword.email, password: 'Nouveau-Secret-2026?' };

const fr = {
  all: 'Tous les tickets', assigned: 'Tickets attribués à moi', mine: 'Mes tickets',
  company: 'Tickets de mon entreprise', status: 'Statut', kind: 'Type', search: 'Rechercher',
  companyFilter: 'Société', requester: 'Demandeur', assignee: 'Attribué à', created: 'Créé le',
  title: 'Titre', loadMore: 'Afficher plus', noMatch: 'Aucun ticket ne correspond.',
  clear: 'Effacer les filtres', noneYet: "Vous n'avez encore aucun ticket.", create: 'Créer un ticket',
  unassigned: 'Non attribué', filters: 'Filtres',
};
const en = {
  all: 'All tickets', assigned: 'Tickets assigned to me', mine: 'My tickets', company: "My company's tickets",
  noMatch: 'No matching tickets.', clear: 'Clear filters', noneYet: 'You have no ticket yet.',
  create: 'Create a ticket', unassigned: 'Unassigned', filters: 'Filters', assignee: 'Assigned to',
  requester: 'Requester',
};

let agent;
let boreal;
before(async () => {
  // Paul (Boréal) opens the tickets the lists page through, one after the other, so that their
  // creation order is their number's order; and one whose title is a single very long word.
  const paul = await accessToken(accounts.otherCompany);
  const [incident] = (await categories(paul)).filter((c) => c.kind !== 'request');
  const category = (incident.children[0] ?? incident).id;
  for (let n = 1; n <= COUNT; n += 1) {
    await postTicket(paul, {
      kind: 'incident', category_id: category, urgency: 'high', title: titleOf(n),
      description: `Le poste ${n} ne démarre plus.`,
    });
  }
  await postTicket(paul, {
    kind: 'incident', category_id: category, urgency: 'low', title: longWord, description: 'Un titre sans espace.',
  });
  const companies = await get(await accessToken(accounts.agent), '/api/v1/companies?q=boreal');
  boreal = companies.items.find((c) => c.name === 'Boréal Transports').id;

  agent = await openBrowser({ locale: 'fr-FR', viewport: DESKTOP });
  await visit(agent.page, '/login');
  await signIn(agent.page, accounts.agent);
  await isAt(agent.page, '/');
});
after(async () => {
  try {
    // Other test files expect the agent in French.
    await updateProfile(accounts.agent, { locale: 'fr' });
  } finally {
    await agent?.close();
  }
});

/** The titles of the rows listed now, top to bottom. */
async function titles(page) {
  return page.locator('table.tickets tbody td.ticket-title').allInnerTexts();
}

/** Waits until exactly `count` rows are listed. */
async function rowsAre(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('table.tickets tbody tr').length === n, count);
}

function param(page, name) {
  return new URL(page.url()).searchParams.get(name);
}

/**
 * The heading, the tab's title, the table's caption (when there is a table) and the header's
 * current link say `name`.
 */
async function namedEverywhere(page, name, { table = true } = {}) {
  await sees(page.getByRole('heading', { level: 1, name, exact: true }));
  if (table) await sees(page.getByRole('table', { name, exact: true }));
  await page.waitForFunction((name) => document.title === `${name} — Guichet`, name);
  await sees(page.getByRole('navigation').getByRole('link', { name, exact: true }).and(page.locator('[aria-current="page"]')));
  assert.equal(await page.locator('nav [aria-current="page"]').count(), 1, 'one current link');
}

test('filters, search, scope and order live in the address: Back and a reload give the same list', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets');
  await namedEverywhere(page, fr.all);
  const status = page.getByRole('combobox', { name: fr.status, exact: true });
  const search = page.getByRole('searchbox', { name: fr.search });
  const company = page.getByRole('combobox', { name: fr.companyFilter, exact: true });

  await status.selectOption('new');
  await page.waitForURL((url) => url.searchParams.get('status') === 'new');
  await search.fill(word);
  await page.getByRole('search').getByRole('button', { name: fr.search }).click();
  await page.waitForURL((url) => url.searchParams.get('q') === word);
  await company.selectOption({ label: 'Boréal Transports' });
  await page.waitForURL((url) => url.searchParams.get('company_id') === String(boreal));
  await rowsAre(page, 25);

  // The creation date's header sorts, newest first, then oldest first; by keyboard too.
  const createdHeader = page.getByRole('columnheader', { name: new RegExp(`^${fr.created}`) });
  const sortByCreation = createdHeader.getByRole('button');
  await sortByCreation.click();
  await page.waitForURL((url) => url.searchParams.get('sort') === '-created_at');
  await sees(createdHeader.and(page.locator('[aria-sort="descending"]')));
  await page.waitForFunction((first) => document.querySelector('td.ticket-title')?.innerText === first, titleOf(COUNT));
  await sortByCreation.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.searchParams.get('sort') === 'created_at');
  await sees(createdHeader.and(page.locator('[aria-sort="ascending"]')));
  await page.waitForFunction((first) => document.querySelector('td.ticket-title')?.innerText === first, titleOf(1));
  // The new list keeps the keyboard where it was.
  await page.waitForFunction(() => document.activeElement?.id === 'sort-created');
  assert.equal(await page.locator('th[aria-sort]').count(), 1, 'one sorted column');
  await screenshot(page, '120-list-in-address-fr-1366');

  // Back: the order before, the filters untouched.
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get('sort') === '-created_at');
  await sees(createdHeader.and(page.locator('[aria-sort="descending"]')));
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has('sort') && url.searchParams.has('company_id'));
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has('company_id') && url.searchParams.get('q') === word);
  assert.equal(await company.inputValue(), '');
  assert.equal(await search.inputValue(), word);
  assert.equal(await status.inputValue(), 'new');
  await page.goForward();
  await page.waitForURL((url) => url.searchParams.has('company_id'));

  // A reload (or a bookmark) lists the same tickets with the same choices shown.
  await page.reload();
  await rowsAre(page, 25);
  assert.equal(await status.inputValue(), 'new');
  assert.equal(await search.inputValue(), word);
  assert.equal(await company.inputValue(), String(boreal));
  assert.ok((await titles(page)).every((t) => t.startsWith(word)));

  // The same in English, and on a phone, where the sort buttons stay above the cards.
  await switchToEnglish(page);
  await sees(page.getByRole('heading', { level: 1, name: en.all, exact: true }));
  await screenshot(page, '121-list-in-address-en-1366');
  await page.setViewportSize(PHONE);
  await sees(page.getByRole('button', { name: /^Created/ }));
  await fitsTheWidth(page, 'list in English on a phone');
  await screenshot(page, '122-list-in-address-en-360');
  await switchToFrench(page);
  await sees(page.getByRole('button', { name: new RegExp(`^${fr.created}`) }));
  await screenshot(page, '123-list-in-address-fr-360');
  await page.setViewportSize(DESKTOP);
  noPageErrors(errors);
});

test('"load more" goes on to the end of a list, whatever its filters and order', async () => {
  const { page, errors } = agent;
  const filters = `status=new&kind=incident&q=${word}&company_id=${boreal}&urgency=high&priority=4`;
  for (const sort of ['created_at', '-created_at', 'updated_at', '-updated_at', '']) {
    await visit(page, `/tickets?${filters}${sort ? `&sort=${sort}` : ''}`);
    await rowsAre(page, 25);
    await page.getByRole('button', { name: fr.loadMore }).click();
    await rowsAre(page, COUNT);
    await page.getByRole('button', { name: fr.loadMore }).waitFor({ state: 'detached' });
    const listed = await titles(page);
    assert.equal(new Set(listed).size, COUNT, `${sort}: every ticket once`);
    const ascending = Array.from({ length: COUNT }, (_, i) => titleOf(i + 1));
    if (sort === 'created_at' || sort === 'updated_at') assert.deepEqual(listed, ascending, sort);
    if (sort === '-created_at' || sort === '-updated_at' || sort === '') {
      assert.deepEqual(listed, [...ascending].reverse(), sort || 'default order');
    }
  }
  noPageErrors(errors);
});

test('a list that nothing matches says so and clears its filters', async () => {
  const { page, errors } = agent;
  await visit(page, `/tickets?q=${word}&kind=request&sort=created_at`);
  await sees(page.getByText(fr.noMatch));
  await screenshot(page, '124-list-no-match-fr-1366');
  await page.getByRole('button', { name: fr.clear }).click();
  await page.waitForURL((url) => url.pathname === '/tickets' && url.search === '');
  await sees(page.getByRole('table'));
  assert.equal(await page.getByRole('searchbox', { name: fr.search }).inputValue(), '');
  assert.equal(await page.getByRole('combobox', { name: fr.kind, exact: true }).inputValue(), '');

  await page.setViewportSize(PHONE);
  await visit(page, `/tickets?q=${word}&kind=request`);
  await sees(page.getByText(fr.noMatch));
  await screenshot(page, '125-list-no-match-fr-360');
  await switchToEnglish(page);
  await sees(page.getByText(en.noMatch));
  await sees(page.getByRole('button', { name: en.clear }));
  await screenshot(page, '126-list-no-match-en-360');
  await page.setViewportSize(DESKTOP);
  await screenshot(page, '127-list-no-match-en-1366');
  await switchToFrench(page);
  noPageErrors(errors);
});

test('a customer without any ticket is told so and offered to create one', async () => {
  const customer = await openBrowser({ locale: 'fr-FR', viewport: DESKTOP });
  const { page, errors } = customer;
  try {
    await visit(page, '/login');
    const changed = await accessToken(nouveau).then(() => true, () => false);
    if (changed) {
      await signIn(page, nouveau);
    } else {
      await signIn(page, accounts.mustChangePassword);
      await isAt(page, '/password');
      await changePassword(page, { current: accounts.mustChangePassword.password, next: nouveau.password });
    }
    await isAt(page, '/');
    await visit(page, '/tickets');
    await namedEverywhere(page, fr.mine, { table: false });
    await sees(page.getByText(fr.noneYet));
    const create = page.getByRole('main').getByRole('link', { name: fr.create, exact: true });
    await sees(create);
    await screenshot(page, '128-list-empty-fr-1366');
    await page.setViewportSize(PHONE);
    await screenshot(page, '129-list-empty-fr-360');
    await switchToEnglish(page);
    await sees(page.getByText(en.noneYet));
    await screenshot(page, '130-list-empty-en-360');
    await page.setViewportSize(DESKTOP);
    await sees(page.getByRole('main').getByRole('link', { name: en.create, exact: true }));
    await screenshot(page, '131-list-empty-en-1366');
    await switchToFrench(page);
    await create.click();
    await isAt(page, '/tickets/new');
    noPageErrors(errors);
  } finally {
    await customer.close();
  }
});

test('each list has one name: heading, navigation, tab title and caption, in French and English', async () => {
  const { page, errors } = agent;
  await visit(page, '/tickets');
  await namedEverywhere(page, fr.all);
  await page.getByRole('navigation').getByRole('link', { name: fr.assigned, exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('scope') === 'mine');
  await namedEverywhere(page, fr.assigned);
  await switchToEnglish(page);
  await namedEverywhere(page, en.assigned);
  await page.getByRole('navigation').getByRole('link', { name: en.all, exact: true }).click();
  await namedEverywhere(page, en.all);
  await switchToFrench(page);

  const claire = await openBrowser({ locale: 'fr-FR', viewport: DESKTOP });
  try {
    await visit(claire.page, '/login');
    await signIn(claire.page, accounts.customer);
    await isAt(claire.page, '/');
    await visit(claire.page, '/tickets');
    await namedEverywhere(claire.page, fr.mine);
    // A customer has one list: no choice of scope.
    assert.equal(await claire.page.getByRole('radio').count(), 0);
    noPageErrors(claire.errors);
  } finally {
    await claire.close();
  }
  noPageErrors(errors);
});

test("the referent's company view is named as such and shows who asked", async () => {
  // Rémi's own ticket is the latest change of the company, so that the first page shows him
  // beside Claire, whatever the other test files opened for her before.
  await createTicket(accounts.referent, { title: `Badge perdu (${Date.now()})`, description: 'Mon badge ne passe plus.' });
  const referent = await openBrowser({ locale: 'fr-FR', viewport: DESKTOP });
  const { page, errors } = referent;
  try {
    await visit(page, '/login');
    await signIn(page, accounts.referent);
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.getByRole('navigation').getByRole('link', { name: fr.company, exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tickets' && url.searchParams.get('scope') === 'company');
    await namedEverywhere(page, fr.company);
    await sees(page.getByRole('columnheader', { name: fr.requester, exact: true }));
    const requesters = await page.locator(`td[data-label="${fr.requester}"]`).allInnerTexts();
    assert.ok(requesters.includes('Claire Martin') && requesters.includes('Rémi Durand'), `requesters: ${requesters}`);
    // The requester filter offers the company's requesters.
    const filter = page.getByRole('combobox', { name: fr.requester, exact: true });
    await filter.locator('option', { hasText: 'Claire Martin' }).waitFor({ state: 'attached' });
    await screenshot(page, '132-company-view-fr-1366');

    await page.getByRole('navigation').getByRole('link', { name: fr.mine, exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/tickets' && !url.searchParams.has('scope'));
    await namedEverywhere(page, fr.mine);
    await sees(page.getByRole('radio', { name: fr.mine, exact: true }).and(page.locator(':checked')));
    assert.equal(await page.getByRole('columnheader', { name: fr.requester }).count(), 0);

    await page.getByRole('radio', { name: fr.company, exact: true }).check();
    await namedEverywhere(page, fr.company);
    await page.setViewportSize(PHONE);
    await fitsTheWidth(page, 'company view on a phone');
    await screenshot(page, '133-company-view-fr-360');
    await switchToEnglish(page);
    await namedEverywhere(page, en.company);
    await sees(page.getByRole('combobox', { name: en.requester, exact: true }));
    await screenshot(page, '134-company-view-en-360');
    await page.setViewportSize(DESKTOP);
    await sees(page.getByRole('columnheader', { name: en.requester, exact: true }));
    await screenshot(page, '135-company-view-en-1366');
    await page.getByRole('navigation').getByRole('link', { name: en.mine, exact: true }).click();
    await namedEverywhere(page, en.mine);
    noPageErrors(errors);
  } finally {
    try {
      await switchToFrench(page);
    } finally {
      await referent.close();
    }
  }
});

// Needs GET /tickets?requester_id= on the server (another branch of issue 12).
test('the referent narrows the company view to one requester, kept in the address', async () => {
  const referent = await openBrowser({ locale: 'fr-FR', viewport: DESKTOP });
  const { page, errors } = referent;
  try {
    await visit(page, '/login');
    await signIn(page, accounts.referent);
    await page.waitForURL((url) => url.pathname !== '/login');
    await visit(page, '/tickets?scope=company');
    await sees(page.getByRole('table'));
    const filter = page.getByRole('combobox', { name: fr.requester, exact: true });
    await filter.locator('option', { hasText: 'Claire Martin' }).waitFor({ state: 'attached' });
    await filter.selectOption({ label: 'Claire Martin' });
    await page.waitForURL((url) => url.searchParams.has('requester_id'));
    await page.waitForFunction((label) => {
      const cells = [...document.querySelectorAll(`td[data-label="${label}"]`)];
      return cells.length > 0 && cells.every((td) => td.innerText.trim() === 'Claire Martin');
    }, fr.requester);
    await page.reload();
    await page.waitForFunction((label) => {
      const cells = [...document.querySelectorAll(`td[data-label="${label}"]`)];
      return cells.length > 0 && cells.every((td) => td.innerText.trim() === 'Claire Martin');
    }, fr.requester);
    assert.notEqual(await filter.inputValue(), '');
    noPageErrors(errors);
  } finally {
    await referent.close();
  }
});

test('unassigned tickets say so, the queue filters fold on a phone, and long words wrap', async () => {
  const { page, errors } = agent;
  await visit(page, `/tickets?q=${word}`);
  await rowsAre(page, 25);
  const assignees = await page.locator(`td[data-label="${fr.assignee}"]`).allInnerTexts();
  assert.ok(assignees.every((text) => text === fr.unassigned), `assignees: ${assignees}`);

  // Open at desktop widths.
  const toggle = page.getByRole('button', { name: fr.filters, exact: true });
  const company = page.getByRole('combobox', { name: fr.companyFilter, exact: true });
  await sees(toggle.and(page.locator('[aria-expanded="true"]')));
  await sees(company);

  // Folded on a phone; the keyboard opens and closes them.
  await page.setViewportSize(PHONE);
  await page.reload();
  await rowsAre(page, 25);
  await sees(toggle.and(page.locator('[aria-expanded="false"]')));
  assert.equal(await company.isVisible(), false);
  await fitsTheWidth(page, 'queue on a phone, filters folded');
  await screenshot(page, '136-queue-folded-fr-360');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await sees(toggle.and(page.locator('[aria-expanded="true"]')));
  await sees(company);
  await screenshot(page, '137-queue-unfolded-fr-360');
  await page.keyboard.press('Space');
  await sees(toggle.and(page.locator('[aria-expanded="false"]')));

  // A title of one very long word wraps in its cell, on a phone and on a desktop.
  await visit(page, `/tickets?q=${longWord}`);
  await rowsAre(page, 1);
  await fitsTheWidth(page, 'a long word on a phone');
  await switchToEnglish(page);
  await sees(page.getByRole('button', { name: en.filters, exact: true }));
  await screenshot(page, '138-long-word-en-360');
  await page.setViewportSize(DESKTOP);
  await fitsTheWidth(page, 'a long word on a desktop');
  const table = await page.locator('.table-wrap').evaluate((wrap) => ({ scroll: wrap.scrollWidth, width: wrap.clientWidth }));
  assert.ok(table.scroll <= table.width, `the table is ${table.scroll} px in ${table.width} px`);
  await screenshot(page, '139-long-word-en-1366');
  await visit(page, `/tickets?q=${word}`);
  await rowsAre(page, 25);
  const english = await page.locator(`td[data-label="${en.assignee}"]`).allInnerTexts();
  assert.ok(english.every((text) => text === en.unassigned), `assignees: ${english}`);
  await switchToFrench(page);
  await screenshot(page, '140-unassigned-fr-1366');
  noPageErrors(errors);
});
