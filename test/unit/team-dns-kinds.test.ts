// The task kinds the dns role's journal view takes (roles.ts) are the DNS task kinds the core
// registers: a kind renamed or added in dns/ without the view would be refused to dns logins.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src-main/core/core';
import { taskKind } from '../../src-main/core/queue/kinds';
import { DNS_TASK_KINDS } from '../../src-main/core/queue/answerable';

describe('the dns role\'s task kinds', () => {
  it('are registered, and every kind the DNS code registers is one of them', () => {
    for (const kind of DNS_TASK_KINDS) expect(() => taskKind(kind)).not.toThrow();
    const dir = path.join(import.meta.dirname, '../../src-main/core/dns');
    const registered = readdirSync(dir).flatMap((file) => [...readFileSync(path.join(dir, file), 'utf8').matchAll(/registerTaskKind\('([^']+)'/g)].map((m) => m[1]!));
    expect(registered.sort()).toEqual([...DNS_TASK_KINDS].sort());
  });
});
