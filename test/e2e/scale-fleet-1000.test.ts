// The window with 1,000 servers and 20,000 sites in its data folder (test/helpers/fleet-data.ts):
// the fleet list, its search and its role/tag/health filters answer within 50 ms of the input
// event (timed inside the page: bench/in-page-timer.ts), and the list looks right with that many.
// Two of the servers are real (web1, whose key the home trusts: ok or a load warning; one on a
// closed port of this machine: down), so the health filter has colours to find.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Server } from '../../shared/domain';
import { NO_FILTERS, prepare } from '../../src-renderer/components/fleet-filter';
import { knownHostsName } from '../../src-main/core/ssh/host-key';
import type { StoredServer } from '../../src-main/core/inventory/store';
import { freshDataDir, freshHome } from '../helpers/env';
import { writeFleetData } from '../helpers/fleet-data';
import { calmShot, e2eSuite, newPage } from './app';
import { fleetSearch } from './fleet-search';

const suite = e2eSuite();

// The goal is 50 ms; a loaded 2-core CI machine (other suites' browsers and daemons) may add
// a frame or two, so the assertion is on the median with room, the figures are logged.
const GOAL_MS = 50;
const ASSERT_MEDIAN_MS = 100;

const realServer = (id: string, name: string, host: string, port: number, keyPath: string): StoredServer => ({
  id, name, host, port, user: 'hdtest', auth: { method: 'key', keyPath }, roles: ['web'], tags: ['testbed'], jumpHostId: null,
});

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('a fleet of 1,000 servers', () => {
  it('searches and filters the list within 50 ms of the input, and shows it well', async () => {
    const tb = suite.tb;
    const home = freshHome('e2e-fleet-1000');
    const web1 = tb.ssh.web1;
    const dataDir = freshDataDir('e2e-fleet-1000');
    const extra = [
      realServer('10000000-0000-4000-8000-000000000001', 'web1-real', web1.host, web1.port, tb.keys.ed25519.path),
      realServer('10000000-0000-4000-8000-000000000002', 'closed-port', '127.0.0.1', 1, tb.keys.ed25519.path),
    ];
    const { servers } = writeFleetData(dataDir, { servers: 998, sites: 20_000, extra });
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), [`${knownHostsName(web1.host, web1.port)} ${web1.hostKeyLine}`, `${knownHostsName('127.0.0.1', 1)} ${web1.hostKeyLine}`, ''].join('\n'));
    const app = await suite.start('e2e-fleet-1000', home, { dataDir });
    const page = await newPage(suite.browser);
    await page.goto(app.url);

    const list = page.getByTestId('fleet-list');
    await list.waitFor();
    expect(await page.getByTestId('fleet-count').textContent()).toBe('1,000 servers');
    // Virtualised: a screenful of rows in the DOM, not 1,000.
    const rendered = await list.locator('.server-item').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    // The real servers get their lights from the first tick (the closed port needs attention).
    await page.locator('.statusbar .health-status.warn').waitFor({ timeout: 30_000 });
    await calmShot(page, 'scale-01-fleet-1000');

    const { expected, timed, typeTerms } = fleetSearch(page, servers);
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.click();
    const keystrokes = await typeTerms(['fra1', 'db-', 'customer-1', '0042', 'managed']);
    expect(await page.getByTestId('fleet-count').textContent()).toBe(`${expected('managed')} of 1,000 servers`);
    await search.press('Escape');
    await search.fill('fra1');
    await list.and(page.locator('[data-search="fra1"]')).waitFor();
    await calmShot(page, 'scale-02-fleet-1000-search');
    await search.press('Escape');
    await list.and(page.locator('[data-search=""]')).waitFor();

    // Filters: a role, a tag, then health (down: the closed port only).
    const filters = page.getByRole('group', { name: 'Filter the fleet' });
    const choices: number[] = [];
    const byRole = { ...NO_FILTERS, role: 'db' as const };
    choices.push(await timed({ search: '', filters: byRole }, () => filters.getByRole('combobox', { name: 'Filter by role' }).selectOption('db')));
    const byTag = { ...byRole, tag: 'sgp1' };
    choices.push(await timed({ search: '', filters: byTag }, () => filters.getByRole('combobox', { name: 'Filter by tag' }).selectOption('sgp1')));
    await filters.getByRole('button', { name: 'Clear the filters' }).click();
    const down = { ...NO_FILTERS, health: 'down' as const };
    choices.push(await timed({ search: '', filters: down, shown: 1 }, () => filters.getByRole('combobox', { name: 'Filter by health' }).selectOption('down')));
    expect(await list.locator('.server-name').allTextContents()).toEqual(['closed-port']);
    await calmShot(page, 'scale-03-fleet-1000-health-down');
    await filters.getByRole('button', { name: 'Clear the filters' }).click();

    // The arrow keys walk the list past what was rendered at first (group titles skipped).
    await list.locator('.server-item').first().focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.querySelector('.server-name')?.textContent ?? null);
    expect(focused).toBe(prepare(servers.map((s): Server => ({ ...s, hasSecret: false }))).filter(({ server }) => server.tags[0] === 'ams3')[40]!.server.name);

    // Scrolled to the end: the last group's last servers are there, drawn as the first ones.
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await list.getByRole('button', { name: /web1-real/ }).waitFor();

    const all = [...keystrokes, ...choices];
    const sorted = [...all].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
    console.log(`fleet of 1,000: ${keystrokes.length} keystrokes median ${median(keystrokes).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms; filters ${choices.map((c) => c.toFixed(1)).join(', ')} ms (goal ${GOAL_MS} ms, input event to list painted)`);
    expect(median(all)).toBeLessThan(ASSERT_MEDIAN_MS);
  });
});
