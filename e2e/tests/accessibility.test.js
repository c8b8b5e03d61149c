// The accessibility defects of issue 12: the skip link readable when focused and leading to
// the content, the language switch's focus ring not clipped, the error summary's lines as
// links to their fields, and the profile's confirmation announced and focused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signIn, switchToEnglish, switchToFrench, visit } from '../support/actions.js';
import { updateProfile } from '../support/api.js';
import { openBrowser, screenshot } from '../support/browser.js';
import { fieldHasError, isAt, noPageErrors, sees } from '../support/checks.js';
import { accounts } from '../support/env.js';
import { profilePage, signInForm } from '../support/locators.js';

let browser;
before(async () => {
  browser = await openBrowser({ locale: 'fr-FR' });
});
after(async () => {
  await browser?.close();
  await updateProfile(accounts.customer, { locale: 'fr', title: '' });
});

/** The contrast ratio (WCAG) of the focused element's text on its background. */
async function focusedContrast(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const rgb = (value) => value.match(/[\d.]+/g).slice(0, 3).map(Number);
    const luminance = (value) => {
      const [r, g, b] = rgb(value).map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
    const box = element.getBoundingClientRect();
    return {
      className: element.className,
      color: style.color,
      background: style.backgroundColor,
      ratio: (light + 0.05) / (dark + 0.05),
      visible: box.top >= 0 && box.width > 0 && box.height > 0,
    };
  });
}

async function activeId(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page, selector, max = 30) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

async function skipLinkWorks(page, where) {
  // From the page's start, the first Tab lands on the skip link, readable on its background.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Tab');
  const seen = await focusedContrast(page);
  assert.match(seen.className, /skip-link/, `${where}: the first Tab reaches the skip link`);
  assert.ok(seen.visible, `${where}: the focused skip link is on screen`);
  assert.ok(seen.ratio >= 4.5, `${where}: ${seen.color} on ${seen.background} (contrast ${seen.ratio.toFixed(2)})`);
  await screenshot(page, `i12-skip-link-${where}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
}

test('the skip link is readable when focused and takes the keyboard to the content', async () => {
  const { page, errors } = browser;
  await visit(page, '/login');
  await sees(signInForm(page).heading);
  await skipLinkWorks(page, 'sign-in-fr');
  await signIn(page, accounts.customer);
  await isAt(page, '/');
  await visit(page, '/profile');
  await sees(profilePage(page).heading);
  await skipLinkWorks(page, 'profile-fr');
  await switchToEnglish(page);
  await page.setViewportSize({ width: 360, height: 740 });
  // Afresh, so that Tab starts from the page's start rather than from the language button.
  await visit(page, '/profile');
  await sees(profilePage(page, 'en').heading);
  await skipLinkWorks(page, 'profile-en-360');
  await page.setViewportSize({ width: 1366, height: 900 });
  await switchToFrench(page);
  noPageErrors(errors);
});

test('the focus ring of the language switch is not clipped', async () => {
  const { page } = browser;
  await visit(page, '/profile');
  await sees(profilePage(page).heading);
  await tabTo(page, 'button.lang');
  const clipped = await page.evaluate(() => {
    const button = document.activeElement;
    const style = getComputedStyle(button);
    const found = [];
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) found.push('no outline');
    for (let node = button.parentElement; node && node !== document.body; node = node.parentElement) {
      const { overflowX, overflowY } = getComputedStyle(node);
      if (overflowX !== 'visible' || overflowY !== 'visible') found.push(`${node.className}: ${overflowX} ${overflowY}`);
    }
    return found;
  });
  assert.deepEqual(clipped, [], 'the focused language button shows its whole ring');
  await screenshot(page, 'i12-language-switch-focus');
});

for (const [lang, viewport] of [['fr', { width: 1366, height: 900 }], ['en', { width: 360, height: 740 }]]) {
  test(`the error summary's lines lead to their fields (${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    await page.setViewportSize(viewport);
    await visit(page, '/profile');
    if (lang === 'en') await switchToEnglish(page);
    const profile = profilePage(page, lang);
    await sees(profile.heading);
    const names = { fr: ['Prénom', 'Nom'], en: ['First name', 'Last name'] }[lang];
    const lastName = page.getByRole('textbox', { name: new RegExp(`^${names[1]}`) });
    await profile.firstName.fill('');
    await lastName.fill('');
    await profile.save.click();
    await fieldHasError(lastName, { fr: 'Ce champ est obligatoire.', en: 'This field is required.' }[lang]);
    const summary = page.locator('#error-summary');
    // Clicked: the second line focuses the last name.
    await summary.getByRole('link', { name: new RegExp(`^${names[1]}`) }).click();
    assert.equal(await activeId(page), 'last_name');
    // From the keyboard: the first line focuses the first name.
    await summary.getByRole('link', { name: new RegExp(`^${names[0]}`) }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await activeId(page), 'first_name');
    await screenshot(page, `i12-error-summary-links-${lang}-${viewport.width}`);
    if (lang === 'en') await switchToFrench(page);
    await page.setViewportSize({ width: 1366, height: 900 });
    noPageErrors(errors);
  });
}

for (const [lang, viewport] of [['fr', { width: 360, height: 740 }], ['en', { width: 1366, height: 600 }]]) {
  test(`the saved profile is announced and the focus moves to it (${lang}, ${viewport.width} px)`, async () => {
    const { page, errors } = browser;
    await page.setViewportSize(viewport);
    await visit(page, '/profile');
    if (lang === 'en') await switchToEnglish(page);
    const profile = profilePage(page, lang);
    await sees(profile.heading);
    await page.locator('#title').fill(`Acheteuse ${lang}`);
    await profile.save.click();
    await sees(profile.saved);
    await page.waitForFunction(() => document.activeElement?.id === 'profile-saved');
    // In a live region, and on screen although the button is at the bottom of the form.
    const region = await page.evaluate(() => {
      const element = document.activeElement;
      const box = element.getBoundingClientRect();
      return {
        live: Boolean(element.closest('[role="status"], [aria-live]')),
        onScreen: box.top >= 0 && box.bottom <= window.innerHeight,
      };
    });
    assert.deepEqual(region, { live: true, onScreen: true });
    await screenshot(page, `i12-profile-saved-${lang}-${viewport.width}`);
    if (lang === 'en') await switchToFrench(page);
    await page.setViewportSize({ width: 1366, height: 900 });
    noPageErrors(errors);
  });
}
