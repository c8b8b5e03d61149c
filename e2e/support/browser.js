// One fresh Chromium per test file: its own user data dir, so nothing is remembered between
// files (tokens, language).
import assert from 'node:assert/strict';
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

/**
 * Starts a browser whose language is `locale` ('fr-FR', 'en-US'), on the shared demo server or
 * on `base` (a server of the test's own, support/server.js).
 */
export async function openBrowser({ locale = 'fr-FR', viewport = { width: 1280, height: 900 }, base = baseURL } = {}) {
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    args: [...ARGS, `--lang=${locale}`],
    locale,
    viewport,
    baseURL: base,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const excused = [];
  const errors = watchForFaults(context, excused);
  return {
    context,
    page,
    errors,
    /** A fault the test causes on purpose (e.g. a dropped upload): `pattern` matches its line. */
    excuse(pattern) {
      excused.push(pattern);
    },
    /** Closes the browser, then fails the test if any page of it met a fault. */
    async close() {
      await context.close();
      await fs.rm(userDataDir, { recursive: true, force: true });
      assert.deepEqual(errors, [], 'the browser met errors (see watchForFaults)');
    },
  };
}

/**
 * Gathers what must never happen on any page of `context`: an uncaught exception or a panic,
 * an error written to the console (a CSP violation, a failed module load), a server error
 * (5xx) on any request, and a missing or failed file of the app (4xx or network failure
 * outside the API). The API's 4xx answers are expected (a refused form, a missing ticket)
 * and ignored, as are the browser's own "Failed to load resource" lines, which repeat them.
 */
function watchForFaults(context, excused) {
  const errors = [];
  const fault = (line) => {
    if (!excused.some((pattern) => pattern.test(line))) errors.push(line);
  };
  const isApi = (url) => new URL(url).pathname.startsWith('/api/');
  const watch = (page) => {
    page.on('pageerror', (error) => fault(`page error: ${error}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        fault(`console: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      const status = response.status();
      if (status >= 500 || (status >= 400 && !isApi(response.url()))) {
        fault(`${status} ${response.request().method()} ${response.url()}`);
      }
    });
    page.on('requestfailed', (request) => {
      // An aborted request is one the page no longer wanted (it navigated away); a blob: URL
      // is the page's own object, revoked when it is no longer shown, not a file of the server.
      const failure = request.failure()?.errorText ?? '';
      if (!failure.includes('ERR_ABORTED') && /^https?:/.test(request.url())) {
        fault(`failed ${request.method()} ${request.url()}: ${failure}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
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
