// The mails the server under test sent: with no SMTP configured it writes each one as an
// .eml file under GUICHET_DATA_DIR/outbox/ (scripts/e2e.sh exposes that directory).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { baseURL, dataDir, inboundToken } from './env.js';

/** Undoes quoted-printable: soft line breaks (`=\r\n`) and escapes such as `=3D`. */
function decodeQuotedPrintable(text) {
  const bytes = [];
  const unfolded = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i += 1) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unfolded[i]));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

async function mailsTo(address, outboxOf) {
  const dir = path.join(outboxOf, 'outbox');
  const names = await readdir(dir).catch(() => []);
  const mails = [];
  for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
    const raw = await readFile(path.join(dir, name), 'utf8');
    const head = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
    if (/^To:/im.test(head) && head.match(/^To:(.*)$/im)[1].toLowerCase().includes(address)) {
      mails.push(decodeQuotedPrintable(raw));
    }
  }
  return mails;
}

/**
 * Polls the outbox (delivered every second) until `find` gives something for a mail to
 * `address`; returns it. `what` names what is awaited, for the error.
 */
async function pollOutbox(address, find, what, timeoutMs, outboxOf = dataDir) {
  if (!outboxOf) throw new Error('GUICHET_E2E_DATA_DIR is not set (run through scripts/e2e.sh)');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const mail of await mailsTo(address.toLowerCase(), outboxOf)) {
      const found = find(mail);
      if (found) return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail to ${address} with ${what}`);
}

/**
 * The first link to `page` (`/reset-password` or `/set-password`) mailed to `address` that is
 * not in `seen`; `dataDir` names another server's data directory than the shared one.
 */
export async function waitForLink(address, page, { seen = [], timeoutMs = 20000, dataDir: outboxOf = dataDir } = {}) {
  const pattern = new RegExp(`https?://[^\\s"<>]+${page}#token=[A-Za-z0-9_-]+`, 'g');
  const fresh = (mail) => (mail.match(pattern) ?? []).find((link) => !seen.includes(link));
  return pollOutbox(address, fresh, `a ${page} link`, timeoutMs, outboxOf);
}

/** The first mail to `address` whose decoded text contains `text`. */
export async function waitForMail(address, text, { timeoutMs = 20000 } = {}) {
  return pollOutbox(address, (mail) => (mail.includes(text) ? mail : undefined), `"${text}"`, timeoutMs);
}

/** The Reply-To address of a mail, as `waitForMail` returns it. */
export function replyToOf(mail) {
  const head = mail.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const match = head.match(/^Reply-To:\s*(.+)$/im);
  if (!match) throw new Error('the mail has no Reply-To');
  return match[1].trim().replace(/^.*<(.+)>$/, '$1');
}

/** Hands a raw mail to the server as its mail gateway would; returns the JSON outcome. */
export async function deliverToGuichet(raw) {
  const answer = await fetch(new URL('/api/v1/inbound-email', baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${inboundToken}`, 'content-type': 'message/rfc822' },
    body: raw,
  });
  if (!answer.ok) throw new Error(`inbound-email answered ${answer.status}`);
  return answer.json();
}
