// Runs after the whole suite (scripts/test.ts calls it last): every file the suite's Hostdeck
// instances wrote under $HOSTDECK_TEST_DATA is searched for every secret they were given.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDataRoot } from '../helpers/env';
import { TEST_SECRETS } from '../helpers/secrets';
import { loadTestbed } from '../servers/testbed';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const st = statSync(full);
    return st.isDirectory() ? files(full) : st.isFile() ? [full] : [];
  });
}

describe('secrets never reach a file', () => {
  const tb = loadTestbed();
  const secrets: Record<string, string> = {
    ...TEST_SECRETS,
    'hdtest password': tb.users.hdtest.password,
    'key passphrase': tb.keys.ed25519Pass.passphrase!,
    'mariadb admin password': tb.mariadb.adminPassword,
    'ftp password': tb.ftp.password,
    'read-only MySQL user password': tb.db.readOnly.password,
    ...Object.fromEntries(tb.db.customers.map((c) => [`MySQL user ${c.user} password`, c.password])),
  };

  it('scans a data directory that the suite really used', () => {
    const all = files(testDataRoot);
    const inventories = all.filter((f) => path.basename(f) === 'inventory.json');
    expect(inventories.length).toBeGreaterThan(5);
    // At least one stored server used password auth, so a leak would have had a chance.
    expect(inventories.some((f) => readFileSync(f, 'utf8').includes('"method": "password"'))).toBe(true);
  });

  it('finds no secret, plain or base64, in any file', () => {
    const leaks: string[] = [];
    for (const file of files(testDataRoot)) {
      const text = readFileSync(file).toString('latin1');
      for (const [label, secret] of Object.entries(secrets)) {
        const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
        if (forms.some((form) => text.includes(form))) leaks.push(`${path.relative(testDataRoot, file)}: ${label}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
