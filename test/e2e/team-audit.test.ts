// The audit log's chain check as a user drives it in Chromium: tasks run on web1 are audited,
// "Verify chain" says how many entries hold (lines of an earlier version counted apart), and
// after a line of the file is changed by hand it names the broken entry.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../shared/queue';
import { active, addTrustedWeb1, calmShot, contract, e2eSuite } from './app';

const suite = e2eSuite();

const oldLine = (i: number) =>
  JSON.stringify({ at: `2026-11-0${i}T10:00:00.000Z`, serverId: 'old', serverName: 'web0', database: 'shop', statement: `SELECT ${i}`, rows: 1, durationMs: 2, outcome: 'ok', error: null });

describe('audit chain in the UI', () => {
  it('verifies the chain and names a tampered entry', async () => {
    const app = await suite.start('e2e-audit-chain', undefined, { testKinds: true });
    // Two lines as an earlier version wrote them, before the chain started.
    const file = path.join(app.dataDir, 'audit.jsonl');
    writeFileSync(file, `${oldLine(1)}\n${oldLine(2)}\n`, { mode: 0o600 });
    const page = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' }).then((c) => c.newPage());
    await page.goto(app.url);
    await addTrustedWeb1(page, suite.tb);
    const servers = await contract<{ id: string; name: string }[]>(page, 'servers.list', {});
    const serverId = servers.find((s) => s.name === 'web1')!.id;
    const target = `/tmp/hd-e2e-audit-${randomUUID().slice(0, 8)}.txt`;
    for (const line of ['alpha', 'beta', 'gamma']) await contract(page, 'test.enqueue', { serverId, kind: 'ensure-line', params: { path: target, line } });
    await expect
      .poll(async () => (await contract<{ tasks: Task[] }>(page, 'queue.list', { serverId })).tasks.filter((t) => t.status === 'done').length, { timeout: 20_000 })
      .toBe(3);

    await page.getByRole('button', { name: 'audit log' }).click();
    const view = active(page);
    await view.locator('.audit-table tbody tr', { hasText: `Ensure a line in ${target}` }).nth(2).waitFor();
    await view.getByRole('button', { name: 'Verify chain' }).click();
    const verdict = view.getByRole('status', { name: 'Audit verification' });
    await verdict.getByText('3 entries verified.').waitFor();
    await verdict.getByText('2 entries were written before the chain started').waitFor();
    await calmShot(page, 'team-audit-01-verified');

    // Someone edits the file: the second task's outcome made to look like another line.
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    lines[3] = lines[3]!.replace('"status":"done"', '"status":"failed"');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await view.getByRole('button', { name: 'Verify chain' }).click();
    await verdict.getByText('Chain broken at line 4').waitFor();
    expect(await verdict.textContent()).toMatch(/changed\. Its content no longer matches its hash.*1 entry verified before it/);
    await calmShot(page, 'team-audit-02-broken');
  });
});
