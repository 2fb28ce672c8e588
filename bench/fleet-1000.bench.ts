// A big fleet, both where it shows and where it is checked:
//   - list: browser mode (the built dist/host/serve.mjs) in Debian's Chromium on a data folder of
//     1,000 servers and 20,000 sites (test/helpers/fleet-data.ts); search terms typed into the
//     search box a key at a time, each keystroke timed inside the page from its keydown to the
//     narrowed list painted (bench/in-page-timer.ts). No peer: the 50 ms budget (median and p95).
//   - tick: one health tick (health.checkNow, the work of a timer tick) over 200 real sshds of the
//     testbed fleet (testbed/fleet.ts), at most 32 checks at once; cold (every connection opened in
//     the tick) and warm (connections kept from the last tick, as the timer finds them). Peer: the
//     same check script through Ansible ad hoc with 50 forks and pipelining, cold with a fresh
//     ControlPath folder and warm reusing the ControlPersist masters of the run before (what an
//     expert would do to run it often over 200 hosts). Goal: the warm tick under 3 s, and no
//     slower than Ansible either way.
import path from 'node:path';
import { startFleet, stopFleet } from '../testbed/testbed';
import { launchBrowser, newPage, startApp } from '../test/e2e/app';
import { fleetSearch } from '../test/e2e/fleet-search';
import { writeFleetData } from '../test/helpers/fleet-data';
import { addFleet, ansibleFleet, ansibleVersion, fleetHome, tickRounds } from './fleet-tick';
import { benchCore } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'fleet-1000';

const SERVERS = 1000;
const SITES = 20_000;
/** 43 keystrokes (each prefix matches some servers), after a warm-up term. */
const WARM_UP = 'web-';
const TERMS = ['fra1', 'db-', 'customer-1', '0042', 'managed', 'sgp1-07', '198.51.2'];
const LIST_BUDGET_MS = 50;

const FLEET = 200;
const CONCURRENCY = 32;
const FORKS = 50;
const HOSTDECK_ROUNDS = 5;
const ANSIBLE_ROUNDS = 2;
const TICK_BUDGET_MS = 3000;

function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

async function measureList(ctx: BenchContext): Promise<number[]> {
  const dataDir = path.join(ctx.tmpDir, 'list-data');
  const { servers } = writeFleetData(dataDir, { servers: SERVERS, sites: SITES });
  const app = await startApp('bench-fleet-1000', undefined, { dataDir });
  ctx.defer(() => app.stop());
  const browser = await launchBrowser();
  ctx.defer(() => browser.close());
  try {
    const page = await newPage(browser);
    await page.goto(app.url);
    await page.getByTestId('fleet-list').waitFor();
    const search = fleetSearch(page, servers);
    await page.getByRole('searchbox', { name: 'Search' }).click();
    await search.typeTerms([WARM_UP]);
    return await search.typeTerms(TERMS);
  } finally {
    await browser.close();
    await app.stop();
  }
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;

  // ---- list
  const keys = await measureList(ctx);
  const [listMedian, listP95] = [median(keys), p95(keys)];
  ctx.log(`list: ${keys.length} keystrokes, median ${listMedian.toFixed(1)} ms, p95 ${listP95.toFixed(1)} ms, max ${Math.max(...keys).toFixed(1)} ms (${keys.map((k) => k.toFixed(0)).join(' ')})`);
  const listBudget = { name, unit: 'ms', peer: LIST_BUDGET_MS, peerName: `budget ${LIST_BUDGET_MS} ms`, goal: '<= 1.0' };
  const rows = [
    entry({ ...listBudget, metric: `list: search keystroke to list painted, ${SERVERS.toLocaleString('en')} servers / ${SITES.toLocaleString('en')} sites, timed in the page (Chromium), median of ${keys.length}`, hostdeck: listMedian }),
    entry({ ...listBudget, metric: `list: search keystroke to list painted, ${SERVERS.toLocaleString('en')} servers / ${SITES.toLocaleString('en')} sites, timed in the page (Chromium), p95 of ${keys.length}`, hostdeck: listP95 }),
  ];

  // ---- tick
  const t0 = Date.now();
  const fleet = await startFleet(FLEET);
  ctx.defer(stopFleet);
  ctx.log(`tick: ${FLEET} sshds up in ${Date.now() - t0} ms`);
  const { home, knownHosts } = fleetHome(ctx, fleet);
  const { call } = await benchCore(ctx, home, { settings: { healthConcurrency: CONCURRENCY } });
  const { cold, warm } = await tickRounds(ctx, call, await addFleet(ctx, call, fleet), HOSTDECK_ROUNDS);
  const [hc, hw] = [median(cold), median(warm)];
  const tickWhat = `tick: one health tick over ${FLEET} sshd, ${CONCURRENCY} at once`;
  rows.push(entry({ name, unit: 'ms', peer: TICK_BUDGET_MS, peerName: `budget ${TICK_BUDGET_MS / 1000} s`, goal: '<= 1.0', metric: `${tickWhat}, connections kept from the last tick, vs the budget (median of ${HOSTDECK_ROUNDS})`, hostdeck: hw }));

  const version = ansibleVersion();
  if (!version) {
    ctx.log('ansible is not installed (Debian: apt-get install -y ansible): no Ansible rows');
    return rows;
  }
  const { cold: aCold, warm: aWarm } = await ansibleFleet(ctx, fleet, { home, knownHosts, user: testbed.users.hdtest.name, keyPath: testbed.keys.ed25519.path, forks: FORKS }).rounds(ANSIBLE_ROUNDS);
  const peerName = `${version} ad-hoc -m shell -f ${FORKS}, pipelining`;
  const common = { name, unit: 'ms', goal: '<= 1.0' };
  return [
    ...rows,
    entry({ ...common, metric: `${tickWhat}, connections kept from the last tick (median of ${HOSTDECK_ROUNDS} vs ${ANSIBLE_ROUNDS})`, hostdeck: hw, peer: median(aWarm), peerName: `${peerName}, ControlPersist masters reused` }),
    entry({ ...common, metric: `${tickWhat}, every connection opened in the tick (median of ${HOSTDECK_ROUNDS} vs ${ANSIBLE_ROUNDS})`, hostdeck: hc, peer: median(aCold), peerName: `${peerName}, fresh connections` }),
  ];
}
