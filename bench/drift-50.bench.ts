// A drift check of the whole fleet: 50 lightweight sshds on loopback (testbed startFleet(50)),
// each server recorded with 20 sites — a domain with an alias (server block), PHP (pool), a cron
// job (cron file) and an FTP login each — written straight into the data folder. The fleet's
// servers are this machine, so one seed serves them all: 20 Linux accounts, and every file
// Hostdeck would write (rendered by the same plan code) in a folder the settings point to, with
// pure-ftpd's users file. Each server's check is then a full comparison (accounts, logins, 60
// files hashed) that must come back clean. Timed: drift.checkFleet over connections opened in
// the check (cold) and kept from the round before (warm). Goal: the fleet in under 5 s.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DriftReport } from '../shared/api/drift';
import type { HostingSettings, SiteRecord } from '../shared/api/hosting';
import { DEFAULT_CRON_SETTINGS } from '../shared/cron';
import type { Server } from '../shared/domain';
import { DEFAULT_PHP_SETTINGS, DEFAULT_PHP_VALUES } from '../shared/php';
import { expectedOf } from '../src-main/core/drift/expected';
import { SiteStore } from '../src-main/core/hosting/store';
import { startFleet, stopFleet } from '../testbed/testbed';
import { benchCore } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'drift-50';

const FLEET = 50;
const SITES = 20;
const ROUNDS = 3;
const GOAL_MS = 5000;

const siteName = (i: number) => `hddb${String(i + 1).padStart(2, '0')}`;

function records(): SiteRecord[] {
  return Array.from({ length: SITES }, (_, i): SiteRecord => {
    const site = siteName(i);
    return {
      name: site, quotaMb: 0, status: 'active', createdAt: new Date(0).toISOString(),
      ftpUsers: [`${site}f`], databases: [], creations: [], tls: [],
      domains: [{ domain: `${site}.test`, aliases: [`www.${site}.test`] }],
      php: { version: '8.2', values: DEFAULT_PHP_VALUES, extras: [] },
      cron: [{ id: (i + 1).toString(16).padStart(8, '0'), schedule: '17 3 * * *', command: `echo ${site}` }],
    };
  });
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  // The seed lives where the fleet's login user can read it (the bench's own tmpDir may not be).
  const seed = `/tmp/hostdeck-drift-bench-${process.pid}`;
  ctx.defer(() => rmSync(seed, { recursive: true, force: true }));
  const settings: HostingSettings = {
    ftp: { passwdFile: `${seed}/pureftpd.passwd`, dbFile: `${seed}/pureftpd.pdb` },
    web: { vhostDir: `${seed}/nginx`, nginxConf: '/etc/nginx/nginx.conf', listen: '80', suspendedDir: `${seed}/suspended`, tlsDir: `${seed}/tls`, tlsListen: '443' },
    mysql: { socket: null, defaultsFile: null },
    php: { ...DEFAULT_PHP_SETTINGS, poolDir: `${seed}/php/{version}/pool.d` },
    cron: { ...DEFAULT_CRON_SETTINGS, dir: `${seed}/cron.d` },
  };
  const sites = records();
  for (const s of sites) execFileSync('useradd', ['-M', '-d', `/home/${s.name}`, '-s', '/usr/sbin/nologin', s.name]);
  ctx.defer(() => { for (const s of sites) execFileSync('userdel', [s.name], { stdio: 'ignore' }); });
  for (const f of expectedOf(sites, settings, []).files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.text);
  }
  mkdirSync(`${seed}/suspended`, { recursive: true });
  const uid = (site: string) => execFileSync('id', ['-u', site], { encoding: 'utf8' }).trim();
  writeFileSync(settings.ftp.passwdFile, sites.map((s) => `${s.name}f:x:${uid(s.name)}:${uid(s.name)}::/home/${s.name}/./::::::::::::\n`).join(''));
  execFileSync('chmod', ['-R', 'a+rX', seed]);
  chmodSync(seed, 0o755);

  const fleet = await startFleet(FLEET);
  ctx.defer(stopFleet);
  const home = join(ctx.tmpDir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'known_hosts'), fleet.map((s) => `[${s.host}]:${s.port} ${s.hostKeyLine}\n`).join(''));
  const dataDir = join(ctx.tmpDir, 'data');
  const { call } = await benchCore(ctx, home, { dataDir });
  const servers: Server[] = [];
  for (const [i, s] of fleet.entries()) {
    servers.push(await call<Server>('servers.add', { name: `fleet-${String(i + 1).padStart(2, '0')}`, host: s.host, port: s.port, user: testbed.users.hdtest.name, auth: { method: 'key', keyPath: testbed.keys.ed25519.path }, roles: ['web'], tags: ['fleet'] }));
  }
  // The records, written straight into the data folder (the core reads the file on every call).
  const store = new SiteStore(dataDir);
  for (const s of servers) {
    store.saveSettings(s.id, settings);
    store.save(s.id, sites);
  }

  const check = async (): Promise<number> => {
    const started = performance.now();
    const { reports } = await call<{ reports: DriftReport[] }>('drift.checkFleet', {});
    const ms = performance.now() - started;
    const bad = reports.filter((r) => r.error !== null || r.items.length > 0 || r.compared < SITES * 5);
    if (reports.length !== FLEET || bad.length > 0) throw new Error(`drift check not clean: ${bad.slice(0, 2).map((r) => r.error ?? JSON.stringify(r.items.slice(0, 2))).join('; ')}`);
    return ms;
  };
  const disconnectAll = () => Promise.all(servers.map((s) => call('ssh.disconnect', { serverId: s.id })));
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await disconnectAll();
    cold.push(await check());
    warm.push(await check());
    ctx.log(`round ${round + 1}/${ROUNDS}: cold ${cold.at(-1)!.toFixed(0)} ms, warm ${warm.at(-1)!.toFixed(0)} ms`);
  }
  await disconnectAll();
  const common = { name, unit: 'ms', peer: GOAL_MS, peerName: `budget ${GOAL_MS / 1000} s`, goal: '<= 1.0' };
  const what = `drift check, ${FLEET} servers x ${SITES} sites (accounts, FTP logins, ${SITES * 3} files hashed each; clean)`;
  return [
    entry({ ...common, metric: `${what}, connections kept from the round before, vs the budget (median of ${ROUNDS})`, hostdeck: median(warm) }),
    entry({ ...common, metric: `${what}, every connection opened in the check, vs the budget (median of ${ROUNDS})`, hostdeck: median(cold) }),
  ];
}
