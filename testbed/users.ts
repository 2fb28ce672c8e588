// The Linux test user `hdtest` (created once; password from secrets.json, re-applied each start).
import * as fs from 'node:fs';
import { run, secrets } from './util';

export interface UserInfo {
  name: string;
  password: string;
  uid: number;
  gid: number;
  home: string;
}

export const TEST_USER = 'hdtest';

function lookup(name: string): { uid: number; gid: number; home: string } | null {
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? `/home/${name}` };
  }
  return null;
}

let pending: Promise<UserInfo> | null = null;

/** Idempotent; safe to call several times concurrently within one process. */
export function ensureTestUser(): Promise<UserInfo> {
  pending ??= (async () => {
    const { hdtestPassword } = secrets();
    if (!lookup(TEST_USER)) {
      await run('useradd', ['-m', '-s', '/bin/bash', TEST_USER], { allowFail: true });
    }
    const u = lookup(TEST_USER);
    if (!u) throw new Error(`could not create user ${TEST_USER}`);
    await run('chpasswd', [], { input: `${TEST_USER}:${hdtestPassword}\n` });
    return { name: TEST_USER, password: hdtestPassword, ...u };
  })();
  return pending;
}
