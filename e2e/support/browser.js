// One fresh Chromium per test file: its own user data dir, so nothing is remembered between
// files (tokens, language).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { isAccessible } from './checks.js';
import { baseURL, chromiumPath, screenshotDir } from './env.js';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts a browser whose language is `locale` ('fr-FR', 'en-US'). */
export async function openBrowser({ locale = 'fr-FR', viewport = { width: 1280, height: 900 } } = {}) {
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    args: [...ARGS, `--lang=${locale}`],
    locale,
    viewport,
    baseURL,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  // The app must start without errors (a CSP violation or a panic shows up here).
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    // API refusals (401, 422, ...) are logged by the browser itself: they are expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      await fs.rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Saves what the page shows now under e2e/screenshots/NAME.png, then checks it with axe-core:
 * every screen a test shows a reviewer is also audited for accessibility.
 */
export async function screenshot(page, name) {
  // Colour transitions (0.15 s on buttons, e.g. the language switch just pressed) end first:
  // the picture and axe's contrast check see the colours that stay.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await fs.mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  await isAccessible(page, name);
}
