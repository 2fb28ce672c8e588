// The testbed refuses a state folder its servers' unprivileged users could not enter, naming the
// folder that stops them, instead of starting servers that then fail one login at a time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRootReachable, REPO, ROOT } from '../../testbed/util';

describe('testbed state folder', () => {
  const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-closed-'));
  fs.chmodSync(closed, 0o700);
  afterAll(() => fs.rmSync(closed, { recursive: true, force: true }));

  it('is refused inside a folder others cannot enter, with that folder and its mode', () => {
    expect(() => checkRootReachable(path.join(closed, 'a', 'testbed'))).toThrow(new RegExp(`inside ${closed} \\(mode 0700\\)`));
  });

  it('is accepted where every parent is searchable', () => {
    const open = path.join(closed, 'open');
    fs.mkdirSync(open, { mode: 0o755 });
    fs.chmodSync(closed, 0o711);
    expect(() => checkRootReachable(path.join(open, 'testbed'))).not.toThrow();
    fs.chmodSync(closed, 0o700);
  });

  it('is outside the checkout by default, so the checkout folder may be private', () => {
    expect(path.relative(REPO, ROOT).startsWith('..')).toBe(true);
    expect(() => checkRootReachable()).not.toThrow();
  });
});
