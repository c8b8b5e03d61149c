// Administrators keep the category tree offered when a ticket is opened (seeds 001, 002: "le
// choix de la catégorie"), with both names, its order and retired categories, and read who
// changed what in the audit log. Reached from the header's administration; a wrong form names
// its fields; a category cannot be offered a place under its own; a retired category is no
// longer offered to customers. In French, in English and on a phone; nobody else reaches it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { recordApi, signIn, switchToEnglish, visit } from '../support/actions.js';
import { accessToken, categories, updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, fitsTheWidth, isAccessible, isAt, noPageErrors, noSuccessfulRequest, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { adminPage, words } from '../support/locators.js';

const stamp = Date.now().toString(36);
const root = { fr: `Téléphonie ${stamp}`, en: `Telephony ${stamp}` };
const desk = { fr: `Postes fixes ${stamp}`, en: `Desk phones ${stamp}` };
const mobile = { fr: `Mobiles ${stamp}`, en: `Mobile phones ${stamp}` };

let admin;
before(async () => {
  admin = await openBrowser({ locale: 'fr-FR' });
  await visit(admin.page, '/login');
  await signIn(admin.page, accounts.admin);
  await isAt(admin.page, '/');
});
after(async () => {
  try {
    await updateProfile(accounts.admin, { locale: 'fr' });
  } finally {
    await admin?.close();
  }
});

/** Every name the tree offers to the owner of `token`, depth first. */
async function offeredNames(token) {
  const flatten = (nodes) => nodes.flatMap((n) => [n.name, ...flatten(n.children ?? [])]);
  return flatten(await categories(token));
}

function treePage(page) {
  const form = page.getByRole('region', { name: /^(Nouvelle catégorie|Modifier la catégorie)$/ });
  return {
    heading: page.getByRole('heading', { level: 1, name: 'Catégories', exact: true }),
    tree: page.getByRole('region', { name: 'Arborescence des catégories' }),
    form,
    nameFr: form.getByRole('textbox', { name: /^Nom en français/ }),
    nameEn: form.getByRole('textbox', { name: /^Nom en anglais/ }),
    parent: form.getByRole('combobox', { name: 'Sous' }),
    kind: form.getByRole('combobox', { name: 'Pour les tickets de type' }),
    add: form.getByRole('button', { name: 'Ajouter la catégorie' }),
    save: form.getByRole('button', { name: 'Enregistrer la catégorie' }),
    cancel: form.getByRole('button', { name: 'Annuler' }),
    button: (label) => page.getByRole('button', { name: label, exact: true }),
    notice: (text) => page.getByRole('status').filter({ hasText: text }),
  };
}

async function addCategory(screen, { fr, en }, parent) {
  await screen.nameFr.fill(fr);
  await screen.nameEn.fill(en);
  if (parent) await screen.parent.selectOption({ label: parent });
  await screen.add.click();
  await sees(screen.notice('La catégorie est ajoutée.'));
  await sees(screen.tree.getByText(`${fr} · ${en}`, { exact: true }));
}

test('the admin builds, orders and retires a branch of the tree, and the audit log tells it', async () => {
  const { page, errors } = admin;
  const answers = recordApi(page);
  await adminPage(page).nav.click();
  await isAt(page, '/admin');
  await sees(adminPage(page).heading);
  await isAccessible(page, 'the administration hub');
  await adminPage(page).part('categories').click();
  await isAt(page, '/admin/categories');
  const screen = treePage(page);
  await sees(screen.heading);

  // Nothing typed: both names are asked for, and nothing is sent.
  await screen.add.click();
  await sees(page.locator('#error-summary'));
  await fieldHasError(screen.nameFr, words.fr.required);
  await fieldHasError(screen.nameEn, words.fr.required);
  noSuccessfulRequest(answers, 'POST', '/api/v1/categories');

  await screen.kind.selectOption({ label: 'Incident' });
  await addCategory(screen, root);
  await addCategory(screen, desk, root.fr);
  await addCategory(screen, mobile, root.fr);
  await isAccessible(page, 'the category tree');
  await screenshot(page, '95-categories-fr');

  // Mobiles goes up, before the desk phones.
  await screen.button(`Monter « ${mobile.fr} »`).click();
  const branch = screen.tree.getByRole('listitem').filter({ hasText: root.fr }).first();
  await assert.doesNotReject(async () => {
    for (let tries = 0; ; tries += 1) {
      const text = await branch.innerText();
      if (text.indexOf(mobile.fr) < text.indexOf(desk.fr)) return;
      if (tries > 50) throw new Error(`still in the old order: ${text}`);
      await page.waitForTimeout(100);
    }
  });

  // The parent is not offered a place under its own children.
  await screen.button(`Modifier « ${root.fr} »`).click();
  await sees(screen.save);
  assert.equal(await screen.parent.locator('option', { hasText: desk.fr }).count(), 0);
  assert.equal(await screen.nameEn.inputValue(), root.en);
  await screen.cancel.click();

  // Retired: no longer offered to a customer, still listed here, marked.
  const claire = await accessToken(accounts.customer);
  assert.ok((await offeredNames(claire)).includes(root.fr));
  await screen.button(`Retirer « ${root.fr} »`).click();
  await sees(screen.tree.getByRole('listitem').filter({ hasText: root.fr }).getByText('Retirée').first());
  assert.ok(!(await offeredNames(claire)).includes(root.fr));
  assert.ok(!(await offeredNames(claire)).includes(mobile.fr));

  // The audit log: the creations and the retirement, each with its changes.
  await adminPage(page).nav.click();
  await adminPage(page).part('audit').click();
  await isAt(page, '/admin/audit');
  await sees(page.getByRole('heading', { level: 1, name: "Journal d'audit" }));
  await page.getByRole('textbox', { name: 'Action' }).fill('category.retired');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  const row = page.getByRole('row').filter({ hasText: 'category.retired' }).first();
  await sees(row.getByText(/active : true → false/));
  await page.getByRole('textbox', { name: 'Action' }).fill('category.created');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await sees(page.getByRole('row').filter({ hasText: `name_fr : — → ${mobile.fr}` }));
  await page.getByRole('textbox', { name: 'Action' }).fill(`nothing.${stamp}`);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await sees(page.getByText('Aucun événement ne correspond à ces filtres.'));
  await isAccessible(page, 'the audit log');
  noPageErrors(errors);
});

test('in English and on a phone, the screens fit and read in English', async () => {
  const phone = await openBrowser({ locale: 'fr-FR', viewport: { width: 360, height: 740 } });
  try {
    const { page, errors } = phone;
    await visit(page, '/login');
    await signIn(page, accounts.admin);
    await isAt(page, '/');
    await switchToEnglish(page);
    await visit(page, '/admin');
    await sees(adminPage(page, 'en').part('categories'));
    await fitsTheWidth(page, 'the administration hub at 360 px');
    await adminPage(page, 'en').part('categories').click();
    await sees(page.getByRole('heading', { level: 1, name: 'Categories' }));
    await sees(page.getByText(`${root.fr} · ${root.en}`, { exact: true }));
    await sees(page.getByRole('button', { name: `Move “${mobile.en}” down` }));
    await fitsTheWidth(page, 'the category tree at 360 px');
    await isAccessible(page, 'the category tree in English');
    await screenshot(page, '96-categories-en-360');
    await visit(page, '/admin/audit');
    await sees(page.getByRole('heading', { level: 1, name: 'Audit log' }));
    await sees(page.getByRole('row').filter({ hasText: 'category.created' }).first());
    await fitsTheWidth(page, 'the audit log at 360 px');
    noPageErrors(errors);
  } finally {
    await phone.close();
  }
});

test('agents reach the companies and people only; customers no part of the administration', async () => {
  for (const account of [accounts.agent, accounts.customer]) {
    const browser = await openBrowser({ locale: 'fr-FR' });
    try {
      const { page } = browser;
      await visit(page, '/login');
      await signIn(page, account);
      await isAt(page, '/');
      const staff = account === accounts.agent;
      assert.equal(await adminPage(page).nav.count(), staff ? 1 : 0);
      if (staff) {
        await adminPage(page).nav.click();
        await sees(adminPage(page).part('companies'));
        await sees(adminPage(page).part('people'));
        for (const part of ['categories', 'audit', 'announcements']) {
          assert.equal(await adminPage(page).part(part).count(), 0, part);
        }
      }
      for (const path of staff ? ['/admin/categories', '/admin/audit'] : ['/admin', '/admin/categories', '/admin/audit']) {
        await visit(page, path);
        await sees(page.getByRole('heading', { level: 1, name: words.fr.notFoundHeading }));
      }
    } finally {
      await browser.close();
    }
  }
});
