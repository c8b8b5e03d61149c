// "Mon profil" (seed 004, "Edit Profile"): the rules of the API checked in the browser before
// sending, a saved edit that stays, the language that changes at once, and the password
// changed from there (seed 004, "Change Password").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { changePassword, recordApi, signIn, signOut, visit } from '../support/actions.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { documentLanguageIs, fieldHasError, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts, DEMO_PASSWORD } from '../support/env.js';
import { changePasswordForm, header, profilePage } from '../support/locators.js';

const stamp = Date.now().toString(36);

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
  await visit(browser.page, '/login');
  await signIn(browser.page, accounts.customer);
  await isAt(browser.page, '/');
});
after(async () => {
  await browser?.close();
});

function isPatchOfMe(response) {
  return new URL(response.url()).pathname === '/api/v1/me' && response.request().method() === 'PATCH';
}

test('a wrong address and a missing first name are named under their fields, and nothing is sent', async () => {
  const { page, errors } = browser;
  const answers = recordApi(page);
  await header(page).profile.click();
  await isAt(page, '/profile');
  const profile = profilePage(page);
  await sees(profile.heading);
  // What the account is, shown but not editable.
  await sees(profile.account.getByText('Client', { exact: true }));
  await sees(profile.account.getByText('Acme Industrie', { exact: true }));

  await profile.firstName.fill('   ');
  await profile.email.fill('claire@');
  await profile.save.click();
  await fieldHasError(profile.firstName, profile.words.required);
  await fieldHasError(profile.email, profile.words.badEmail);
  await sees(profile.summary.getByText(`Adresse e-mail : ${profile.words.badEmail}`));
  // The first field to fix has the focus.
  await sees(profile.firstName.and(page.locator(':focus')));
  await screenshot(page, '63-profile-errors');
  assert.deepEqual(answers.filter((a) => a.method === 'PATCH' && a.path === '/api/v1/me'), []);
  noPageErrors(errors);
});

test('a valid edit is saved, said so, and still there after a reload', async () => {
  const { page, errors } = browser;
  await visit(page, '/profile');
  const profile = profilePage(page);
  const jobTitle = `Comptable ${stamp}`;
  const phone = '03 89 00 12 34';
  await profile.jobTitle.fill(jobTitle);
  await profile.officePhone.fill(` ${phone} `);
  await profile.save.click();
  await sees(profile.saved);
  await screenshot(page, '64-profile-saved');

  await page.reload();
  await sees(profile.heading);
  assert.equal(await profile.jobTitle.inputValue(), jobTitle);
  assert.equal(await profile.officePhone.inputValue(), phone);
  assert.equal(await profile.firstName.inputValue(), 'Claire');
  noPageErrors(errors);
});

test('choosing English in the profile switches the interface at once and saves it', async () => {
  const { page, errors } = browser;
  await visit(page, '/profile');
  const fr = profilePage(page);
  const en = profilePage(page, 'en');
  const toEnglish = page.waitForResponse((r) => isPatchOfMe(r) && r.ok());
  await fr.language.selectOption('en');
  assert.equal((await (await toEnglish).json()).locale, 'en');
  await sees(en.heading);
  await documentLanguageIs(page, 'en');
  await sees(en.save);
  await screenshot(page, '65-profile-en');

  // Back to French, for the other tests.
  const toFrench = page.waitForResponse((r) => isPatchOfMe(r) && r.ok());
  await en.language.selectOption('fr');
  assert.equal((await (await toFrench).json()).locale, 'fr');
  await sees(fr.heading);
  await documentLanguageIs(page, 'fr');
  noPageErrors(errors);
});

test('the profile reads on a 360 px screen', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 360, height: 740 });
  await visit(page, '/profile');
  await sees(profilePage(page).save);
  const [content, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(content <= width, `the page is ${content} px wide in a ${width} px window`);
  await screenshot(page, '66-profile-360px');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the password is changed from the profile with the current one, and the profile says so', async () => {
  // The admin's own browser; the demo password is put back at the end.
  const admin = await openBrowser({ locale: 'fr-FR' });
  const next = `Profil-${stamp}-2026?`;
  try {
    const { page, errors } = admin;
    await visit(page, '/login');
    await signIn(page, accounts.admin);
    await isAt(page, '/');
    await header(page).profile.click();
    const profile = profilePage(page);
    await sees(profile.account.getByText('Équipe support', { exact: true }));
    await profile.passwordLink.click();
    await isAt(page, '/password');
    const form = changePasswordForm(page);
    await sees(form.heading);

    await changePassword(page, { current: 'Pas-Le-Bon-2026!', next });
    await fieldHasError(form.current, profile.words.wrongPassword);
    await changePassword(page, { current: DEMO_PASSWORD, next });
    await isAt(page, '/profile');
    await sees(profile.passwordChanged);
    await screenshot(page, '67-password-changed');

    // The new password opens the account; then the old one comes back, from a reloaded page.
    await signOut(page);
    await signIn(page, { email: accounts.admin.email, password: next });
    await isAt(page, '/');
    await visit(page, '/password');
    await changePassword(page, { current: next, next: DEMO_PASSWORD });
    await isAt(page, '/profile');
    await sees(profile.passwordChanged);
    noPageErrors(errors);
  } finally {
    await admin.close();
  }
});
