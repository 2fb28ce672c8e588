// The fleet at a glance in Chromium: 50 servers of the testbed's fleet (lightweight sshds on
// 127.0.2.x; ten reached through a bastion) plus web1 with sites, db1, ns1/ns2 serving zones,
// and one address where nothing answers. The inventory is filled through the app's own
// contract (50 servers typed into the form would test nothing more). The map shows groups by
// role and tag in health colours, jump routes, zones with their nameservers, a queue stopped
// on a failure; a search zooms to a server; each part opens its tab. Then a day (and a week)
// of recorded samples, written as the app writes them, drawn as charts per server and for the
// fleet, 24 h and 7 d; a per-role threshold turns the db server red with a notification.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Server } from '../../shared/domain';
import { BUCKET_S, DAY_S, encodeSamples, WEEK_S, type Sample } from '../../src-main/core/health/samples';
import { knownHostsName } from '../../src-main/core/ssh/host-key';
import { startFleet } from '../../testbed/fleet';
import { nsSettings, SOA } from '../helpers/dns';
import { freshHome } from '../helpers/env';
import { settleQueue, testbedHostingSettings } from '../helpers/hosting';
import { active, calmShot, e2eSuite, recordNotifications, shot, shown } from './app';

const suite = e2eSuite();
const FLEET = 50;

type Result = { ok: true; output: unknown } | { ok: false; error: { message: string } };

/** A call over the page's own WebSocket to the core (the contract the UI uses). */
async function call<T = unknown>(page: Page, method: string, input: unknown): Promise<T> {
  const r = await page.evaluate(
    async ([method, input]) => {
      type Conn = { socket: WebSocket; pending: Map<number, (r: unknown) => void>; next: number };
      const w = window as unknown as { __fmCore?: Promise<Conn> };
      w.__fmCore ??= new Promise<Conn>((resolve, reject) => {
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
        const conn: Conn = { socket, pending: new Map(), next: 1_000_000 };
        socket.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { kind: string; id: number };
          if (m.kind === 'result') conn.pending.get(m.id)?.(m);
        };
        socket.onopen = () => resolve(conn);
        socket.onerror = () => reject(new Error('no socket'));
      });
      const conn = await w.__fmCore;
      const id = conn.next++;
      return new Promise((resolve) => {
        conn.pending.set(id, resolve);
        conn.socket.send(JSON.stringify({ kind: 'call', id, method, input }));
      });
    },
    [method, input] as const,
  );
  const result = r as Result;
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.output as T;
}

/** A day of tick samples and six days of 5-minute averages before it: daily load waves, a disk filling up, a certificate nearing expiry, nightly backups. */
function history(seed: number, nowS: number, intervalS = 60): { tick: Sample[]; fiveMin: Sample[] } {
  const at = (t: number): Sample => {
    const day = ((t % DAY_S) / DAY_S) * 2 * Math.PI;
    const wobble = Math.sin(t / 1700 + seed) * 0.15;
    return {
      t,
      load: Math.max(0.05, 0.6 + 0.5 * Math.sin(day - 1 + seed / 7) + wobble + (seed % 9 === 0 ? 1.2 : 0)),
      memoryPct: 45 + (seed % 20) + 8 * Math.sin(day + seed) + wobble * 10,
      diskPct: Math.min(99, 38 + (seed % 30) + ((t - (nowS - WEEK_S)) / WEEK_S) * (4 + (seed % 5))),
      certDays: 30 + (seed % 40) + (nowS - t) / DAY_S,
      backupAgeH: ((t + seed * 600) % DAY_S) / 3600,
    };
  };
  const tick: Sample[] = [];
  for (let t = nowS - DAY_S + intervalS; t <= nowS - intervalS; t += intervalS) tick.push(at(t));
  const fiveMin: Sample[] = [];
  for (let t = Math.ceil((nowS - WEEK_S) / BUCKET_S) * BUCKET_S; t < nowS - DAY_S; t += BUCKET_S) fiveMin.push(at(t));
  return { tick, fiveMin };
}

describe('fleet map and health history', () => {
  it('maps 50 fleet servers with web1, db1, ns1/ns2, sites and zones; charts a day and a week of samples; a role threshold alerts', { timeout: 240_000 }, async () => {
    const tb = suite.tb;
    const fleet = await startFleet(FLEET);
    const home = freshHome('e2e-fleet-map');
    const web1 = tb.ssh.web1;
    const lines = [`${knownHostsName(web1.host, web1.port)} ${web1.hostKeyLine}`, ...fleet.map((f) => `${knownHostsName(f.host, f.port)} ${f.hostKeyLine}`)];
    // Nothing listens at 127.0.2.250: a server that is down (its key is known, its connection refused).
    lines.push(`${knownHostsName('127.0.2.250', 2222)} ${fleet[0]!.hostKeyLine}`);
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${lines.join('\n')}\n`);

    const app = await suite.start('e2e-fleet-map', home);
    const context = await suite.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    await recordNotifications(context);
    await context.grantPermissions(['notifications'], { origin: app.origin });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: '+ Add server' }).first().waitFor();

    const key = { method: 'key', keyPath: tb.keys.ed25519.path } as const;
    const add = (s: { name: string; host: string; port: number; user: string; roles: string[]; tags: string[]; jumpHostId?: string }) => call<Server>(page, 'servers.add', { ...s, auth: key });
    const bastion = await add({ name: 'bastion', host: fleet[0]!.host, port: fleet[0]!.port, user: 'hdtest', roles: [], tags: ['edge'] });
    const servers: Server[] = [bastion];
    for (let i = 2; i <= FLEET; i++) {
      const f = fleet[i - 1]!;
      const [roles, tags, name] = i <= 30 ? [['web'], ['prod'], `web-${String(i).padStart(2, '0')}`] : i <= 40 ? [['web'], ['staging'], `stage-${i}`] : i <= 46 ? [['ftp'], ['prod'], `ftp-${i}`] : [['web'], ['eu'], `edge-${i}`];
      servers.push(await add({ name, host: f.host, port: f.port, user: 'hdtest', roles, tags, ...(i >= 41 && i <= 50 ? { jumpHostId: bastion.id } : {}) }));
    }
    const w1 = await add({ name: 'web1', host: web1.host, port: web1.port, user: 'root', roles: ['web'], tags: ['prod'] });
    const db1 = await add({ name: 'db1', host: web1.host, port: web1.port, user: 'hdtest', roles: ['db'], tags: ['prod'] });
    const gone = await add({ name: 'old-web', host: '127.0.2.250', port: 2222, user: 'hdtest', roles: ['web'], tags: ['prod'] });
    const ns: Server[] = [];
    for (const name of ['ns1', 'ns2'] as const) {
      const s = await add({ name, host: web1.host, port: web1.port, user: 'root', roles: ['ns'], tags: ['dns'] });
      await call(page, 'dns.setSettings', { serverId: s.id, settings: nsSettings(name) });
      ns.push(s);
    }
    servers.push(w1, db1, gone, ...ns);

    // web1's sites, as real accounts on the testbed; a site on a fleet server fails (its login is not root): that queue stops.
    await call(page, 'hosting.setSettings', { serverId: w1.id, ...testbedHostingSettings(tb) });
    const tag = Math.random().toString(36).slice(2, 6);
    const siteNames = [`shop${tag}`, `blog${tag}`, `docs${tag}`, `crm${tag}`];
    for (const [i, name] of siteNames.entries()) await call(page, 'hosting.createSite', { serverId: w1.id, name, quotaMb: 0, domains: i < 2 ? [`${name}.example.test`] : [] });
    const failing = servers.find((s) => s.name === 'web-07')!;
    await call(page, 'hosting.createSite', { serverId: failing.id, name: `fail${tag}`, quotaMb: 0 });
    await settleQueue({ call: (m, i) => call(page, m, i) }, w1.id, 60_000);

    // Zones: two pushed to both nameservers (green), one never pushed (missing: red).
    const zones = [`shop-${tag}.test`, `blog-${tag}.test`, `new-${tag}.test`];
    for (const zone of zones) await call(page, 'dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
    await call(page, 'dns.push', { zones: zones.slice(0, 2) });
    for (const s of ns) await settleQueue({ call: (m, i) => call(page, m, i) }, s.id, 60_000);
    await call(page, 'dns.zones', { refresh: true });

    // Checked every 5 s from now on.
    await call(page, 'settings.update', { healthIntervalS: 5 });
    await call(page, 'health.checkNow', {});

    // ---- the map ------------------------------------------------------------------------------
    await page.getByRole('button', { name: 'Fleet map' }).click();
    const map = page.getByRole('region', { name: 'Fleet map' });
    // The big groups start folded: the prod web servers as one box with their counts.
    const prod = map.locator('.fm-group[data-group="web · prod"]');
    await prod.waitFor({ timeout: 30_000 });
    await expect.poll(() => prod.getAttribute('class'), { timeout: 15_000 }).toContain('collapsed');
    expect(await prod.locator('.fm-group-size').textContent()).toBe('31 servers');
    await map.locator(`.fm-zone[data-zone="${zones[0]}"].fm-status-ok`).waitFor({ timeout: 30_000 });
    await map.locator(`.fm-zone[data-zone="${zones[2]}"].fm-status-down`).waitFor();
    // Every server checked (old-web is down: nothing answers there).
    await expect.poll(() => prod.locator('.fm-count.status-down').textContent(), { timeout: 30_000 }).toMatch(/ 1$/);
    await page.waitForTimeout(500);
    await calmShot(page, 'fleet-map-01-overview');
    const groupBoxes = await map.locator('.react-flow__node:has(.fm-group)').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-id'), r: e.getBoundingClientRect().toJSON() as DOMRect })));
    for (const [i, a] of groupBoxes.entries()) for (const b of groupBoxes.slice(i + 1)) expect(a.r.x < b.r.x + b.r.width && b.r.x < a.r.x + a.r.width && a.r.y < b.r.y + b.r.height && b.r.y < a.r.y + a.r.height, `${a.id} overlaps ${b.id}`).toBe(false);

    // Everything unfolded: the 10 servers behind the bastion have its dashed route.
    await map.getByRole('button', { name: 'Expand all' }).click();
    await map.locator('.fm-server[data-server=web1].fm-status-ok, .fm-server[data-server=web1].fm-status-warn').waitFor({ timeout: 30_000 });
    await map.locator('.fm-server[data-server=old-web].fm-status-down').waitFor();
    await expect.poll(() => map.locator('.react-flow__edge.fm-edge-jump').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    await calmShot(page, 'fleet-map-02-expanded');

    // A search zooms to what it finds: web1 with its sites, its queue, its neighbours.
    await map.getByRole('searchbox', { name: 'Find on the map' }).fill('web1');
    await map.getByRole('status').filter({ hasText: '1 found' }).waitFor();
    await page.waitForTimeout(600);
    const web1Node = map.locator('.fm-server[data-server=web1]');
    expect(await web1Node.getByRole('list', { name: 'Sites of web1' }).getByRole('button').allTextContents()).toEqual([`${siteNames[1]}${siteNames[1]}.example.test`, siteNames[3], siteNames[2], '+ 1 more site']);
    await calmShot(page, 'fleet-map-03-search-web1');
    await map.getByRole('searchbox', { name: 'Find on the map' }).fill('web-07');
    await page.waitForTimeout(600);
    const stopped = map.locator('.fm-server[data-server=web-07] .fm-queue-stopped');
    await expect.poll(() => stopped.textContent(), { timeout: 30_000 }).toMatch(/^queue stopped: 1 failed/);
    await calmShot(page, 'fleet-map-04-stopped-queue');

    // Click-through: the queue, a site, a zone, a server.
    await stopped.click();
    await page.getByRole('region', { name: 'Queue of web-07' }).waitFor();
    await page.getByRole('tab', { name: 'Fleet map' }).click();
    await map.getByRole('searchbox', { name: 'Find on the map' }).fill('web1');
    await web1Node.getByRole('button', { name: new RegExp(`^${siteNames[1]}`) }).click();
    await active(page).getByRole('region', { name: `Site ${siteNames[1]}` }).waitFor();
    await page.getByRole('tab', { name: 'Fleet map' }).click();
    await map.getByRole('searchbox', { name: 'Find on the map' }).fill(zones[0]!);
    await map.locator(`.fm-zone[data-zone="${zones[0]}"] button`).click();
    await expect.poll(() => page.locator(`tr.dns-zone-row[data-zone="${zones[0]}"]`).getAttribute('class'), { timeout: 15_000 }).toContain('selected');
    await page.getByRole('tab', { name: 'Fleet map' }).click();
    await map.getByRole('searchbox', { name: 'Find on the map' }).fill('db1');
    await map.getByRole('button', { name: 'Open db1' }).click();
    await page.getByRole('region', { name: 'Server db1' }).waitFor();

    // ---- health history -------------------------------------------------------------------------
    const nowS = Math.floor(Date.now() / 1000);
    const dir = path.join(app.dataDir, 'health-samples');
    mkdirSync(dir, { recursive: true });
    for (const [i, s] of servers.entries()) {
      if (s.id === gone.id) continue;
      const h = history(i + 1, nowS);
      writeFileSync(path.join(dir, `${s.id}.5m`), encodeSamples(h.fiveMin));
      writeFileSync(path.join(dir, `${s.id}.tick`), encodeSamples(h.tick));
    }
    await page.getByRole('tab', { name: 'Fleet map' }).click();
    await map.getByRole('searchbox', { name: 'Find on the map' }).fill('web1');
    await map.getByRole('button', { name: 'Open web1' }).click();
    const charts = page.getByRole('region', { name: 'Health history of web1' });
    await charts.getByRole('button', { name: 'Last 24 hours' }).click();
    await charts.getByRole('figure', { name: 'Load (1 min)' }).locator('canvas').waitFor();
    await charts.evaluate((e) => e.scrollIntoView());
    await calmShot(page, 'health-history-01-web1-24h');
    await charts.getByRole('button', { name: 'Last 7 days' }).click();
    await page.locator('[aria-label="Health history of web1"][data-range="7d"]').waitFor({ timeout: 30_000 });
    await charts.getByRole('figure', { name: 'Fullest disk used' }).locator('canvas').waitFor();
    await charts.evaluate((e) => e.scrollIntoView());
    await page.waitForTimeout(400);
    await calmShot(page, 'health-history-02-web1-7d');

    await page.getByRole('button', { name: /^Fleet health/ }).click();
    const fleetView = page.getByRole('region', { name: 'Fleet health' });
    const fleetCharts = fleetView.getByRole('region', { name: 'Fleet health history' });
    await fleetCharts.getByRole('figure', { name: 'Load (1 min)' }).locator('canvas').waitFor();
    await fleetCharts.scrollIntoViewIfNeeded();
    await page.waitForTimeout(400);
    await calmShot(page, 'health-history-03-fleet-24h');
    await fleetCharts.getByRole('button', { name: 'Last 7 days' }).click();
    await page.locator('[aria-label="Fleet health history"][data-range="7d"]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(400);
    await calmShot(page, 'health-history-04-fleet-7d');

    // A limit for db servers only: db1's fullest disk is far over 1 %, so it turns red at its next check.
    await fleetView.getByText('Alert thresholds per role').click();
    const form = fleetView.getByRole('form', { name: 'Alert thresholds' });
    await form.getByLabel('Disk % above for db servers').fill('lots');
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await form.locator('tr[data-role=db] .field-error').filter({ hasText: 'Must be a number' }).waitFor();
    await form.getByLabel('Disk % above for db servers').fill('1');
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const dbRow = fleetView.locator('tr.health-row[data-server=db1]');
    await dbRow.locator('.status-alert').waitFor({ timeout: 30_000 });
    expect(await dbRow.locator('.reason').textContent()).toMatch(/^Fullest disk \d+% used, over the db servers' limit of 1%/);
    await expect.poll(async () => (await shown(page)).map((n) => n.title), { timeout: 15_000 }).toContain('db1 needs action');
    // web1 (web) has no limit: not red for that.
    expect(await fleetView.locator('tr.health-row[data-server=web1] .reason').textContent()).not.toMatch(/limit/);
    await form.scrollIntoViewIfNeeded();
    await shot(page, 'health-history-05-threshold-alert');
    await context.close();
  });
});
