// The shared server's SQLite database, for the states no screen or API call can make in a
// test's time (a job given up after hours of attempts). Through the sqlite3 command-line
// shell, which waits for the server's writes to finish.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { dataDir } from './env.js';

/** Runs `statement` on the shared server's database; gives what it printed. */
export async function sql(statement) {
  if (!dataDir) throw new Error('GUICHET_E2E_DATA_DIR is not set (run through scripts/e2e.sh)');
  const database = path.join(dataDir, 'guichet.db');
  const { stdout } = await promisify(execFile)('sqlite3', ['-bail', '-cmd', '.timeout 10000', database, statement]);
  return stdout.trim();
}

const quoted = (text) => `'${text.replaceAll("'", "''")}'`;

/**
 * Makes the job of the outbox mail whose subject contains `text` a dead one, as if its
 * attempts were spent, with `error` as its last error.
 */
export async function deadMailJob(text, error) {
  await sql(`INSERT INTO jobs (kind, payload, state, attempts, next_attempt_at, last_error, created_at)
    SELECT 'deliver_mail', json_object('message_id', message_id), 'dead', 8, created_at, ${quoted(error)}, created_at
    FROM outbox_messages WHERE subject LIKE ${quoted(`%${text}%`)} ORDER BY id LIMIT 1`);
}

/** Makes a dead job of the last account mail (password reset, access) asked for `email`. */
export async function deadAccountMailJob(email, error) {
  await sql(`INSERT INTO jobs (kind, payload, state, attempts, next_attempt_at, last_error, created_at)
    SELECT 'account_mail', json_object('request_id', id), 'dead', 8, at, ${quoted(error)}, at
    FROM account_mail_requests WHERE email = ${quoted(email)} ORDER BY id DESC LIMIT 1`);
}
