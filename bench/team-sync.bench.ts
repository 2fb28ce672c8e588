// Team mode's live sync: two workstations (two cores on two data folders) in one team on the
// testbed's MariaDB — a fresh schema and login made here and dropped at the end, the login's
// password only in the cores' memory keychains. Timed, per change: a server's tags saved on A
// (servers.update, as the edit form saves) until B's core announces it (inventory.changed for that
// server, on which B's windows refetch), and the same change until B's servers.list returns the new
// tags (polled every 5 ms: what a window then reads). B learns of changes by polling the `changes`
// feed every 0.5 s, so the changes are spaced by a random 0-600 ms to meet that poll at every
// phase. No peer: rows against the 2 s budget (median and p99).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from '../shared/domain';
import { teamDatabaseWith, teamPassword } from '../test/helpers/team';
import { benchCore } from './hostdeck';
import { entry, median, percentile, type BenchContext, type BenchEntry } from './lib';

export const name = 'team-sync';

const CHANGES = 100;
const BUDGET_MS = 2000;
const MAX_GAP_MS = 600;
const LIST_POLL_MS = 5;
const TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const password = teamPassword();
  const db = await teamDatabaseWith(password, 'ws-a');
  ctx.defer(() => db.drop());
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const a = await benchCore(ctx, home, { dataDir: path.join(ctx.tmpDir, 'ws-a') });
  const b = await benchCore(ctx, home, { dataDir: path.join(ctx.tmpDir, 'ws-b') });

  const web1 = ctx.testbed.ssh.web1;
  const added = await a.call<Server>('servers.add', { name: 'web1', host: web1.host, port: web1.port, user: 'root', auth: { method: 'key', keyPath: ctx.testbed.keys.ed25519.path }, roles: ['web'], tags: [] });
  const { host, port, user, database } = db.config;
  await a.call('team.create', { host, port, user, password, database, teamName: 'Bench', workstation: 'ws-a' });
  await b.call('team.join', { host, port, user, password, database, workstation: 'ws-b' });
  const [server] = await a.call<Server[]>('servers.list', {});
  if (server?.id !== added.id || !server.version) throw new Error(`team.create: web1 is not in the team (${JSON.stringify(server)})`);
  const { id, hasSecret: _h, version: first, ...fields } = server;

  // The time of B's next inventory.changed naming the server.
  let announced: ((at: number) => void) | null = null;
  const unsubscribe = b.core.subscribe((event, payload) => {
    if (event === 'inventory.changed' && (payload as { ids: string[] }).ids.includes(id)) announced?.(performance.now());
  });
  ctx.defer(unsubscribe);
  const listed = async (tag: string): Promise<number> => {
    for (;;) {
      const list = await b.call<Server[]>('servers.list', {});
      if (list.find((s) => s.id === id)?.tags.includes(tag)) return performance.now();
      await sleep(LIST_POLL_MS);
    }
  };

  const toEvent: number[] = [];
  const toList: number[] = [];
  let version = first;
  for (let i = 0; i < CHANGES; i++) {
    await sleep(Math.random() * MAX_GAP_MS);
    const tag = `sync-${i}`;
    const event = new Promise<number>((resolve) => (announced = resolve));
    const list = listed(tag);
    const saved = performance.now();
    version = (await a.call<Server>('servers.update', { id, server: { ...fields, tags: [tag] }, baseVersion: version })).version!;
    const [eventAt, listAt] = await Promise.all([within(`B's inventory.changed for change ${i}`, event), within(`B's servers.list showing change ${i}`, list)]);
    announced = null;
    toEvent.push(eventAt - saved);
    toList.push(listAt - saved);
  }
  const show = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
  ctx.log(`${CHANGES} changes: to B's inventory.changed ${show(toEvent)}; to B's servers.list ${show(toList)}`);

  const what = `a server's tags saved on workstation A until workstation B's core announces it (inventory.changed), two cores on loopback MariaDB, changes polled every 0.5 s, saves 0-${MAX_GAP_MS} ms apart`;
  const budget = { name, unit: 'ms', peer: BUDGET_MS, peerName: `budget ${BUDGET_MS / 1000} s`, goal: '< 1.0' };
  return [
    entry({ ...budget, metric: `${what}, vs the budget (median of ${CHANGES})`, hostdeck: median(toEvent) }),
    entry({ ...budget, metric: `${what}, vs the budget (p99 of ${CHANGES})`, hostdeck: percentile(toEvent, 99) }),
    entry({ ...budget, goal: 'info', metric: `same, until B's servers.list (the contract a window reads, polled every ${LIST_POLL_MS} ms) returns the new tags (median of ${CHANGES})`, hostdeck: median(toList) }),
  ];
}
