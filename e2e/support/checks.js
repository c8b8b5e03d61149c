// What a person expects to see. Every check waits by itself (locators retry until their
// timeout); none sleeps for a fixed time.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function sees(locator) {
  await locator.first().waitFor({ state: 'visible' });
}

export async function doesNotSee(locator) {
  await locator.first().waitFor({ state: 'hidden' });
}

/** Nothing is wider than the window: no sideways scrolling (a phone is 360 px wide). */
export async function fitsTheWidth(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: ${scroll} px of content for a ${width} px window`);
}

export async function isAt(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname);
}

/** The field is marked invalid and its accessible description carries `message`. */
export async function fieldHasError(field, message) {
  await field.and(field.page().locator('[aria-invalid="true"]')).waitFor({ state: 'visible' });
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => field.page().locator(`[id="${id}"]`).innerText()));
  assert.ok(texts.some((text) => text.includes(message)), `"${message}" not in the description: ${texts.join(' | ')}`);
}

/** Waits for a ticket's page and gives its number. */
export async function isAtTicket(page) {
  await page.waitForURL((url) => /^\/tickets\/T\d{8}\.\d{4,}$/.test(url.pathname));
  return new URL(page.url()).pathname.split('/').pop();
}

export async function documentLanguageIs(page, lang) {
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
}

export function noSuccessfulRequest(answers, method, path) {
  const succeeded = answers.filter((a) => a.method === method && a.path === path && a.status < 400);
  assert.deepEqual(succeeded, [], `${method} ${path} should not have succeeded`);
}

export function noPageErrors(errors) {
  assert.deepEqual(errors, [], 'the page logged errors');
}

/**
 * axe-core finds no serious or critical violation of the WCAG 2.1 A and AA rules in the page
 * as it is now. Injected through the DevTools protocol, so the app's CSP stays as it is.
 */
export async function isAccessible(page, where) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  assert.deepEqual(violations, [], `accessibility violations on ${where}`);
}
