// Where the server under test is and who signs in; set by scripts/e2e.sh.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const baseURL = process.env.GUICHET_E2E_BASE_URL ?? 'http://127.0.0.1:8080';
/** The server's GUICHET_DATA_DIR: without SMTP, its mails are .eml files under outbox/. */
export const dataDir = process.env.GUICHET_E2E_DATA_DIR ?? '';
/** The support team's address: the server's default GUICHET_SUPPORT_EMAIL (scripts/e2e.sh keeps it). */
export const supportEmail = 'support@guichet.test';
/** The mail gateway's token of the server under test (POST /api/v1/inbound-email). */
export const inboundToken = process.env.GUICHET_E2E_INBOUND_TOKEN ?? '';
/** The server binary and the built SPA, for a test that starts a server of its own (support/server.js). */
export const serverBin = process.env.GUICHET_E2E_BIN ?? '';
export const webDir = process.env.GUICHET_E2E_WEB_DIR ?? '';
export const chromiumPath = process.env.GUICHET_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export const DEMO_PASSWORD = 'Demo-Guichet-2026!';
export const accounts = {
  customer: { email: 'claire@acme.test', password: DEMO_PASSWORD },
  referent: { email: 'remi@acme.test', password: DEMO_PASSWORD },
  mustChangePassword: { email: 'nouveau@acme.test', password: DEMO_PASSWORD },
  otherCompany: { email: 'paul@boreal.test', password: DEMO_PASSWORD },
  agent: { email: 'agent@guichet.test', password: DEMO_PASSWORD },
  admin: { email: 'admin@guichet.test', password: DEMO_PASSWORD },
};
