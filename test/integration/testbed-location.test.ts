// The testbed works from any checkout folder: what the servers' unprivileged users read lives in
// a machine-wide folder they can enter; and a demo from `npm run testbed` is never restarted by a
// test run or bench (they refuse to start while it runs).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_LEASE, loadTestbed, startTestbed } from '../../testbed/testbed';
import { p, REPO } from '../../testbed/util';

describe('testbed location', () => {
  const tb = loadTestbed();

  it('keeps the servers’ files outside the checkout, readable by the test user', () => {
    expect(path.relative(REPO, tb.root).startsWith('..')).toBe(true);
    const read = execFileSync('runuser', ['-u', tb.users.hdtest.name, '--', 'cat', tb.authorizedKeysFile], { encoding: 'utf8' });
    expect(read).toContain(fs.readFileSync(tb.keys.ed25519.publicPath, 'utf8').split(' ')[1]);
  });

  it('refuses to start a test run while the demo holds the testbed, and changes nothing', async () => {
    const lease = p('leases', `${DEMO_LEASE}.json`);
    const existed = fs.existsSync(lease);
    if (!existed) fs.writeFileSync(lease, JSON.stringify({ pid: null, at: new Date().toISOString() }));
    const before = fs.readFileSync(p('testbed.json'), 'utf8');
    try {
      await expect(startTestbed({ lease: { id: `refused-${process.pid}`, pid: process.pid } })).rejects.toThrow(/demo testbed from `npm run testbed` is running.*npm run testbed -- stop/);
      expect(fs.existsSync(p('leases', `refused-${process.pid}.json`))).toBe(false);
      expect(fs.readFileSync(p('testbed.json'), 'utf8')).toBe(before);
    } finally {
      if (!existed) fs.rmSync(lease, { force: true });
    }
  });
});
