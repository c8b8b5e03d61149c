// A server of a test's own, apart from the shared demo one: a fresh SQLite database without demo
// data, as a provider's first start (README, "Running it for real").
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { serverBin, webDir } from './env.js';

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `guichet serve` without `--demo` on a fresh database; gives its `base` URL, its
 * `dataDir` (mails land in its outbox), `guichet(...args)` to run a command on the same
 * database, and `stop()`.
 */
export async function startFreshServer() {
  if (!serverBin) throw new Error('GUICHET_E2E_BIN is not set (run through scripts/e2e.sh)');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'guichet-fresh-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    GUICHET_DATABASE_URL: `sqlite://${path.join(dataDir, 'guichet.db')}?mode=rwc`,
    GUICHET_DATA_DIR: dataDir,
    GUICHET_BIND: `127.0.0.1:${port}`,
    GUICHET_PUBLIC_URL: base,
    GUICHET_WEB_DIR: webDir,
    // The browser tests all come from one address: the rate limits are raised far above them.
    GUICHET_RATE_LIMIT_PER_MINUTE: '1000000',
    GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE: '1000000',
    // Webhooks may reach the tests' receivers, plain HTTP on loopback.
    GUICHET_WEBHOOK_ALLOW_HTTP: 'true',
    GUICHET_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1',
  };
  const guichet = async (...args) => (await promisify(execFile)(serverBin, args, { env })).stdout;
  const server = spawn(serverBin, ['serve'], { env, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill();
      throw new Error(`the fresh server did not start (exit ${server.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    base,
    dataDir,
    guichet,
    async stop() {
      server.kill();
      await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', resolve)));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
