/**
 * The `demo` site `clickstream start` makes on first run, so a new user has a write key to
 * paste. Keys are stored hashed, so the clear key is kept in the data dir (readable by
 * this user only) to print it again on later starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../lib/config.js';
import { connectPg } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';

export const DEMO_SITE = 'demo';

/** Returns the demo key, or undefined when the site exists but its key is not on this machine. */
export async function ensureDemoSite(config: Config, databaseUrl: string): Promise<string | undefined> {
  const keyFile = path.join(config.dataDir, 'demo-write-key');
  const client = await connectPg(databaseUrl);
  try {
    const store = createSiteStore(client);
    const existing = (await store.list()).find((s) => s.siteId === DEMO_SITE);
    if (existing) {
      return fs.existsSync(keyFile) && !existing.revokedAt ? fs.readFileSync(keyFile, 'utf8').trim() : undefined;
    }
    const { key } = await store.add(DEMO_SITE, ['*']);
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    return key;
  } finally {
    await client.end();
  }
}
