// Issue 5: 100 sites x (account + web root + vhost + FTP login + database) = 500 steps on the
// test server (web1's sshd as root: this same machine; MariaDB, pure-ftpd and nginx of the
// testbed), each side starting from nothing and checked afterwards (counts of accounts, web
// roots, vhost files, FTP logins, databases and database users, and nginx answering the last
// domain), then everything removed again (not timed). The server blocks go to an nginx of the
// bench's own (the testbed's folder is shared with tests that put broken ones there on purpose).
//   - Hostdeck: a real core (fresh data dir, web1 as root with the testbed key); per site
//     hosting.createSite (account + web root), hosting.bindDomain, hosting.createFtp,
//     hosting.createDb — 5 tasks per site (site.create, logs.site: the site's log folder and
//     rotation rule, which the peers do not do, domain.bind, ftp.create, db.create) — timed from
//     the first call until every task is done (queue.changed events);
//   - local: the same tasks' exact scripts and stdin (taskKind(kind).script / .stdin, params from
//     the same plans with the same settings) run one after the other with `sh -c` on this
//     machine, one process per task: "the same commands locally on the server";
//   - Ansible (Debian's ansible-core; skipped with a note where ansible-playbook is missing): one
//     playbook, builtin modules only, each task looping over the sites: user, file (home 0750
//     group www-data), file (public_html), copy (index.html), copy (the same server block),
//     shell (nginx -t && nginx -s reload), shell (openssl passwd -6 from stdin, the line in pure-pw's file, pure-pw mkdb), shell
//     (mysql, SQL on stdin) — 8 module runs per site; gather_facts off, pipelining on, Ansible's
//     default ssh ControlPersist, default forks;
//   - ssh loop: a bash script of one `ssh` (OpenSSH, no ControlMaster, known_hosts checked) per
//     step: 5 per site, 500 in all; stdin carries the vhost, passwords and SQL.
// Goals (issue 5): Ansible / Hostdeck >= 15, Hostdeck / local <= 1.3.
// A per-task overhead probe follows: 400 trivial tasks (`test -e /tmp`) through the queue vs 400
// `sh -c` locally, and the cost of one journal append + fsync on the data dir's filesystem.
//
// Hostdeck and local run ROUNDS times (default 2, median), the peers PEER_ROUNDS times (default 1).
// FTP passwords: every side hashes them like Hostdeck's ftp.create (openssl SHA-512 crypt, the
// line in pure-pw's file, pure-pw mkdb); pure-pw useradd's own argon2id would cost 2-4 s of CPU
// per login here on every side and drown everything else.
//
//   QUEUE500_SITES=10 QUEUE500_ROUNDS=1 npm run bench -- queue-500    (a quick try)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HostingSettings, SiteRecord } from '../shared/api/hosting';
import type { Server } from '../shared/domain';
import type { Task } from '../shared/queue';
import { createSql } from '../src-main/core/hosting/db-tasks';
import * as plans from '../src-main/core/hosting/plans';
import { serverBlock, vhostFileName } from '../src-main/core/hosting/vhost-tasks';
import { parseParams, taskKind, type SecretSource } from '../src-main/core/queue/kinds';
import { shQuote } from '../src-main/core/ssh/sh-quote';
import '../test/helpers/test-kinds';
import { run as runCommand } from '../testbed/util';
import { ansibleEnv } from './ansible';
import { benchCore } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { startPrivateNginx, type PrivateNginx } from './private-nginx';

export const name = 'queue-500';

const SITES = Number(process.env.QUEUE500_SITES ?? 100);
const ROUNDS = Number(process.env.QUEUE500_ROUNDS ?? 2);
/** Ansible and the ssh loop run in the first rounds only (together about 15 min per round at 100 sites). */
const PEER_ROUNDS = Math.min(ROUNDS, Number(process.env.QUEUE500_PEER_ROUNDS ?? 1));
const PROBE_TASKS = 400;
/** site.create, logs.site, domain.bind, ftp.create, db.create. */
const TASKS_PER_SITE = 5;
const FSYNC_RUNS = 200;
/** site-tasks.ts's welcome page (not exported there), for the peers' web roots. */
const INDEX_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>Welcome</title></head><body><h1>It works</h1><p>This site is hosted by Hostdeck.</p></body></html>';

type Side = 'hostdeck' | 'local' | 'ansible' | 'ssh';
type Site = { name: string; domain: string; ftp: string; db: string; dbUser: string };

function sitesOf(prefix: string): Site[] {
  return Array.from({ length: SITES }, (_, i) => {
    const s = `${prefix}${i + 1}`;
    return { name: s, domain: `${s}.bench.test`, ftp: `${s}-ftp`, db: `${s}_db`, dbUser: `${s}_u` };
  });
}

function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** One script with its stdin (none: /dev/null, like the worker shell), as its own `sh -c`. */
function runLocal(script: string, stdin: string | undefined): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

/**
 * The peers' FTP step, hashed as Hostdeck's ftp.create does (since 5ee1e13): SHA-512 crypt by
 * `openssl passwd -6` from stdin (pure-pw's own argon2id takes seconds of CPU per login here),
 * the user's line in pure-pw's file, then `pure-pw mkdb`.
 */
function ftpCommand(user: string, site: string, passwdFile: string, dbFile: string): string {
  const [pf, db] = [shQuote(passwdFile), shQuote(dbFile)];
  return `hash=$(openssl passwd -6 -stdin) && uid=$(id -u ${site}) && gid=$(id -g ${site}) && printf '%s:%s:%s:%s::%s/./::::::::::::\\n' ${user} "$hash" "$uid" "$gid" /home/${site} >> ${pf} && pure-pw mkdb ${db} -f ${pf}`;
}

function ansibleVersion(): string | null {
  try {
    return execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return null;
  }
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const nginx = await startPrivateNginx(ctx, name);
  try {
    return await measure(ctx, nginx);
  } finally {
    nginx.stop(); // before the harness removes tmpDir (its pid file is there)
  }
}

async function measure(ctx: BenchContext, nginx: PrivateNginx): Promise<BenchEntry[]> {
  const { testbed: tb } = ctx;
  const web1 = tb.ssh.web1;
  const tag = randomBytes(3).toString('hex').replace(/^[0-9]/, 'q');
  const root = `qb${tag}`;
  const settings: HostingSettings = {
    ftp: { passwdFile: tb.ftp.passwdFile, dbFile: tb.ftp.dbFile },
    web: { vhostDir: nginx.sitesDir, nginxConf: nginx.conf, listen: `${nginx.host}:${nginx.port}`, suspendedDir: `${nginx.prefix}/suspended`, tlsDir: `${nginx.prefix}/tls`, tlsListen: `${nginx.host}:443` },
    mysql: { socket: tb.mariadb.socket, defaultsFile: null },
    // The sites' logs and rotation rules under the bench's own nginx prefix, not the machine's /var/log and /etc.
    logs: { dir: `${nginx.prefix}/site-logs`, rotateDir: `${nginx.prefix}/logrotate.d`, keep: 14 },
  };
  const sql = (statements: string) => sh(`mariadb --no-defaults --socket=${shQuote(tb.mariadb.socket)} -u root -N -B -e ${shQuote(statements)}`).trim();
  const others = () => sh('ps -eo args | grep -c "[v]itest" || true').trim();
  ctx.log(`${SITES} sites x 5 steps, ${ROUNDS} round(s) (peers ${PEER_ROUNDS}); vitest processes running now: ${others()} (the testbed is shared: figures are noisy)`);

  // ---- cleanup and verification (never timed)
  const cleanup = (prefix: string) => {
    const q = shQuote(prefix);
    sh(`for u in $(getent passwd | cut -d: -f1 | grep "^"${q}); do pkill -KILL -u "$u" 2>/dev/null; userdel -r "$u" >/dev/null 2>&1; done; true`);
    sh(`for u in $(cut -d: -f1 ${shQuote(tb.ftp.passwdFile)} | grep "^"${q}); do pure-pw userdel "$u" -f ${shQuote(tb.ftp.passwdFile)} -F ${shQuote(tb.ftp.dbFile)} -m </dev/null; done; true`);
    sh(`rm -f ${shQuote(nginx.sitesDir)}/hostdeck-${q}* ${shQuote(settings.web.suspendedDir)}/${q}*; nginx -s reload -c ${shQuote(nginx.conf)} 2>/dev/null; true`);
    sh(`rm -rf ${shQuote(settings.logs!.dir)}/${q}* ${shQuote(settings.logs!.rotateDir)}/hostdeck-${q}*; true`);
    const dbs = sql(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${prefix}%'`).split('\n').filter(Boolean);
    const users = sql(`SELECT User FROM mysql.user WHERE User LIKE '${prefix}%'`).split('\n').filter(Boolean);
    const drops = [...dbs.map((d) => `DROP DATABASE IF EXISTS \`${d}\`;`), ...users.map((u) => `DROP USER IF EXISTS '${u}'@'localhost';`)];
    if (drops.length) sql(drops.join(' '));
  };
  ctx.defer(() => cleanup(root));

  const get = (host: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request({ host: nginx.host, port: nginx.port, path: '/', headers: { Host: host } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  const verify = async (prefix: string, side: Side) => {
    const q = shQuote(prefix);
    const count = (cmd: string) => Number(sh(`{ ${cmd}; } | wc -l`).trim());
    const found = {
      accounts: count(`getent passwd | cut -d: -f1 | grep "^"${q} || true`),
      webRoots: count(`ls -d /home/${q}*/public_html/index.html 2>/dev/null || true`),
      vhosts: count(`ls ${shQuote(nginx.sitesDir)} | grep "^hostdeck-"${q} || true`),
      ftpLogins: count(`cut -d: -f1 ${shQuote(tb.ftp.passwdFile)} | grep "^"${q} || true`),
      databases: Number(sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${prefix}%'`)),
      dbUsers: Number(sql(`SELECT COUNT(*) FROM mysql.user WHERE User LIKE '${prefix}%'`)),
    };
    const wrong = Object.entries(found).filter(([, n]) => n !== SITES);
    if (wrong.length) throw new Error(`${side}: expected ${SITES} of each, found ${JSON.stringify(found)}`);
    // nginx reloads asynchronously: the last domain answers its web root within a few seconds.
    const last = sitesOf(prefix).at(-1)!.domain;
    const deadline = Date.now() + 5000;
    for (;;) {
      const body = await get(last);
      if (body.includes('It works')) break;
      if (Date.now() > deadline) throw new Error(`${side}: nginx does not serve ${last}: ${body.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // ---- Hostdeck
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const knownHosts = path.join(home, '.ssh', 'known_hosts');
  writeFileSync(knownHosts, `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  let cores = 0;
  const openCore = async () => {
    const dataDir = path.join(ctx.tmpDir, `data-${++cores}`);
    const { core, call } = await benchCore(ctx, home, { dataDir });
    const server = await call<Server>('servers.add', { name: 'web1', host: web1.host, port: web1.port, user: 'root', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['web'], tags: [] });
    await call('hosting.setSettings', { serverId: server.id, ...settings });
    const changes = new Map<string, Task>();
    let onChange = () => {};
    core.subscribe((event, payload) => {
      if (event !== 'queue.changed') return;
      const { task } = payload as { task: Task };
      changes.set(task.id, task);
      onChange();
    });
    /** Waits until every id is done; rejects at the first failure. */
    const settled = (ids: string[]) =>
      new Promise<void>((resolve, reject) => {
        onChange = () => {
          let done = 0;
          for (const id of ids) {
            const t = changes.get(id);
            if (t?.status === 'failed') return reject(new Error(`task ${t.kind} failed (exit ${t.exitCode}): ${t.stderrTail.slice(-500)}`));
            if (t?.status === 'done') done++;
          }
          if (done === ids.length) resolve();
        };
        onChange();
      });
    // One task first: the connection and a first worker shell open before the timed run (the
    // runner closes its shell when its queue is empty, so the timed run opens one again).
    const warm = core.queue.enqueue(server.id, 'fail-unless-file', { path: '/tmp' });
    await settled([warm.id]);
    return { core, call, serverId: server.id, settled, dataDir };
  };

  type HostdeckRun = { ms: number; enqueueMs: number; tasks: Task[]; dataDir: string };
  const runHostdeck = async (prefix: string): Promise<HostdeckRun> => {
    const h = await openCore();
    const ids: string[] = [];
    const started = performance.now();
    for (const s of sitesOf(prefix)) {
      const site = await h.call<{ tasks: Task[] }>('hosting.createSite', { serverId: h.serverId, name: s.name, quotaMb: 0 });
      const bound = await h.call<{ tasks: Task[] }>('hosting.bindDomain', { serverId: h.serverId, site: s.name, domain: s.domain, aliases: [] });
      const ftp = await h.call<{ tasks: Task[] }>('hosting.createFtp', { serverId: h.serverId, site: s.name, user: s.ftp });
      const db = await h.call<{ tasks: Task[] }>('hosting.createDb', { serverId: h.serverId, site: s.name, name: s.db, user: s.dbUser });
      for (const t of [...site.tasks, ...bound.tasks, ...ftp.tasks, ...db.tasks]) ids.push(t.id);
    }
    const enqueueMs = performance.now() - started;
    await h.settled(ids);
    const ms = performance.now() - started;
    const { tasks } = await h.call<{ tasks: Task[] }>('queue.list', { serverId: h.serverId });
    await h.core.close();
    if (ids.length !== SITES * TASKS_PER_SITE) throw new Error(`expected ${SITES * TASKS_PER_SITE} tasks, queued ${ids.length}`);
    return { ms, enqueueMs, tasks: tasks.filter((t) => ids.includes(t.id)), dataDir: h.dataDir };
  };

  // ---- local: the same tasks' scripts and stdin, one `sh -c` per task
  type Prepared = { kind: string; script: string; stdin: string | undefined };
  const prepare = async (prefix: string): Promise<Prepared[]> => {
    let records: SiteRecord[] = [];
    const held = new Map<string, string>();
    const steps: plans.Step[] = [];
    const take = (plan: plans.Plan) => {
      records = plan.sites;
      steps.push(...plan.steps);
      for (const { ref, password } of plan.secrets) held.set(ref, password);
    };
    for (const s of sitesOf(prefix)) {
      take(plans.createSite(records, settings, { name: s.name, quotaMb: 0 }));
      take(plans.bindDomain(records, settings, { site: s.name, domain: s.domain, aliases: [] }));
      take(plans.createFtp(records, settings, { site: s.name, user: s.ftp }));
      take(plans.createDb(records, settings, { site: s.name, name: s.db, user: s.dbUser }));
    }
    const secrets: SecretSource = async (ref) => held.get(ref)!;
    const out: Prepared[] = [];
    for (const step of steps) {
      const params = parseParams(step.kind, step.params);
      const kind = taskKind(step.kind);
      out.push({ kind: step.kind, script: await kind.script(params, secrets), stdin: kind.stdin ? await kind.stdin(params, secrets) : undefined });
    }
    return out;
  };
  type LocalRun = { ms: number; perTask: { kind: string; ms: number }[] };
  const runLocalAll = async (prepared: Prepared[]): Promise<LocalRun> => {
    const perTask: { kind: string; ms: number }[] = [];
    const started = performance.now();
    for (const p of prepared) {
      const t = performance.now();
      const r = await runLocal(p.script, p.stdin);
      if (r.code !== 0) throw new Error(`local ${p.kind} exited ${r.code}: ${r.stderr.slice(-500)}`);
      perTask.push({ kind: p.kind, ms: performance.now() - t });
    }
    return { ms: performance.now() - started, perTask };
  };

  // ---- the peers' inputs: passwords, server blocks and SQL of their own
  const peerSite = (s: Site) => {
    const ftpPassword = plans.generatePassword();
    const dbPassword = plans.generatePassword();
    const vhost = serverBlock({ site: s.name, domain: s.domain, aliases: [], ...settings.web });
    return { ...s, ftpPassword, vhost, vhostFile: `${nginx.sitesDir}/${vhostFileName(s.name, s.domain)}`, sql: createSql({ site: s.name, name: s.db, user: s.dbUser }, dbPassword).join('\n') };
  };

  // ---- ssh loop: one `ssh` per step
  const sshOptions = ['-F', '/dev/null', '-i', tb.keys.ed25519.path, '-p', String(web1.port), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ControlMaster=no', '-o', 'ControlPath=none'];
  const sshScript = (prefix: string): string => {
    const lines = ['#!/bin/bash', 'set -e', `r() { ssh ${sshOptions.map(shQuote).join(' ')} root@${web1.host} "$@"; }`];
    const { passwdFile, dbFile } = tb.ftp;
    const conf = shQuote(nginx.conf);
    for (const raw of sitesOf(prefix)) {
      const s = peerSite(raw);
      const h = `/home/${s.name}`;
      lines.push(
        `# ${s.name}`,
        `r ${shQuote(`useradd -m -d ${h} -s /bin/bash ${s.name}`)}`,
        `r ${shQuote(`chmod 0750 ${h} && chgrp www-data ${h} && mkdir -p ${h}/public_html && printf '%s\\n' ${shQuote(INDEX_HTML)} > ${h}/public_html/index.html && chown ${s.name}: ${h}/public_html ${h}/public_html/index.html`)}`,
        `printf '%s\\n' ${shQuote(s.vhost)} | r ${shQuote(`cat > ${shQuote(s.vhostFile)} && nginx -t -q -c ${conf} && nginx -s reload -c ${conf}`)}`,
        `printf '%s\\n' ${shQuote(s.ftpPassword)} | r ${shQuote(ftpCommand(s.ftp, s.name, passwdFile, dbFile))}`,
        `printf '%s\\n' ${shQuote(s.sql)} | r ${shQuote(`mysql --socket=${shQuote(tb.mariadb.socket)} --batch --skip-column-names >/dev/null`)}`,
      );
    }
    return `${lines.join('\n')}\n`;
  };
  const runSsh = async (prefix: string): Promise<number> => {
    const file = path.join(ctx.tmpDir, `${prefix}.sh`);
    writeFileSync(file, sshScript(prefix), { mode: 0o700 });
    const started = performance.now();
    const r = await runCommand('bash', [file], { allowFail: true, timeoutMs: 3_600_000 });
    const ms = performance.now() - started;
    if (r.code !== 0) throw new Error(`ssh loop exited ${r.code}: ${(r.stdout + r.stderr).slice(-1000)}`);
    return ms;
  };

  // ---- Ansible: one playbook, builtin modules, each task looping over the sites
  const version = ansibleVersion();
  const inventory = path.join(ctx.tmpDir, 'inventory.ini');
  writeFileSync(
    inventory,
    [
      '[web]',
      `web1 ansible_host=${web1.host} ansible_port=${web1.port}`,
      '[web:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${tb.keys.ed25519.path}`,
      'ansible_python_interpreter=/usr/bin/python3',
      `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'`,
      '',
    ].join('\n'),
  );
  const runAnsible = async (prefix: string): Promise<number> => {
    const sites = sitesOf(prefix).map(peerSite);
    const loop = '{{ sites }}';
    const playbook = [
      {
        name: 'sites',
        hosts: 'web',
        gather_facts: false,
        vars: {
          sites: sites.map((s) => ({ name: s.name, ftp: s.ftp, ftp_password: s.ftpPassword, ftp_command: ftpCommand(s.ftp, s.name, tb.ftp.passwdFile, tb.ftp.dbFile), vhost_file: s.vhostFile, vhost: `${s.vhost}\n`, sql: s.sql })),
          nginx_conf: nginx.conf,
          passwd_file: tb.ftp.passwdFile,
          db_file: tb.ftp.dbFile,
          mysql_socket: tb.mariadb.socket,
        },
        tasks: [
          { name: 'account', 'ansible.builtin.user': { name: '{{ item.name }}', home: '/home/{{ item.name }}', shell: '/bin/bash', create_home: true }, loop },
          { name: 'home 0750, group www-data', 'ansible.builtin.file': { path: '/home/{{ item.name }}', state: 'directory', mode: '0750', group: 'www-data' }, loop },
          { name: 'web root', 'ansible.builtin.file': { path: '/home/{{ item.name }}/public_html', state: 'directory', owner: '{{ item.name }}', group: '{{ item.name }}' }, loop },
          { name: 'index.html', 'ansible.builtin.copy': { dest: '/home/{{ item.name }}/public_html/index.html', content: `${INDEX_HTML}\n`, owner: '{{ item.name }}', group: '{{ item.name }}', force: false }, loop },
          { name: 'server block', 'ansible.builtin.copy': { dest: '{{ item.vhost_file }}', content: '{{ item.vhost }}', mode: '0644' }, loop },
          { name: 'nginx check and reload', 'ansible.builtin.shell': 'nginx -t -q -c {{ nginx_conf }} && nginx -s reload -c {{ nginx_conf }}', loop },
          { name: 'FTP login', 'ansible.builtin.shell': { cmd: '{{ item.ftp_command }}', stdin: '{{ item.ftp_password }}' }, loop, no_log: true },
          { name: 'database and user', 'ansible.builtin.shell': { cmd: 'mysql --socket={{ mysql_socket }} --batch --skip-column-names', stdin: '{{ item.sql }}' }, loop, no_log: true },
        ],
      },
    ];
    const file = path.join(ctx.tmpDir, `${prefix}.yml`);
    writeFileSync(file, JSON.stringify(playbook, null, 1), { mode: 0o600 }); // JSON is YAML
    const controlDir = path.join(ctx.tmpDir, `cp-${prefix}`);
    mkdirSync(controlDir, { recursive: true });
    const env = ansibleEnv(ctx, home, controlDir);
    const started = performance.now();
    const r = await runCommand('ansible-playbook', ['-i', inventory, file], { env, allowFail: true, timeoutMs: 3_600_000 });
    const ms = performance.now() - started;
    if (r.code !== 0 || !/web1\s*:\s*ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/.test(r.stdout)) throw new Error(`ansible-playbook exited ${r.code}:\n${(r.stdout + r.stderr).slice(-2000)}`);
    return ms;
  };

  // ---- warm-up (binaries and caches of both sides; not counted)
  {
    const prefix = `${root}w`;
    await runLocalAll((await prepare(prefix)).slice(0, 8)); // two sites
    cleanup(prefix);
  }

  // ---- rounds: Hostdeck and local alternate which goes first; the peers alternate too
  const results: Record<Side, number[]> = { hostdeck: [], local: [], ansible: [], ssh: [] };
  let lastHostdeck: HostdeckRun | null = null;
  let lastLocal: LocalRun | null = null;
  const letter: Record<Side, string> = { hostdeck: 'h', local: 'l', ansible: 'a', ssh: 's' };
  for (let round = 1; round <= ROUNDS; round++) {
    const order: Side[] = round % 2 ? ['local', 'hostdeck', 'ssh', 'ansible'] : ['hostdeck', 'local', 'ansible', 'ssh'];
    for (const side of order) {
      if (side === 'ansible' && !version) continue;
      if ((side === 'ansible' || side === 'ssh') && round > PEER_ROUNDS) continue;
      const prefix = `${root}${letter[side]}${round}x`;
      cleanup(prefix);
      let ms: number;
      let note = '';
      if (side === 'hostdeck') {
        lastHostdeck = await runHostdeck(prefix);
        ms = lastHostdeck.ms;
        note = ` (all ${SITES * TASKS_PER_SITE} tasks queued after ${lastHostdeck.enqueueMs.toFixed(0)} ms)`;
      } else if (side === 'local') {
        lastLocal = await runLocalAll(await prepare(prefix));
        ms = lastLocal.ms;
      } else if (side === 'ansible') {
        ms = await runAnsible(prefix);
      } else {
        ms = await runSsh(prefix);
      }
      await verify(prefix, side);
      cleanup(prefix);
      results[side].push(ms);
      ctx.log(`round ${round}/${ROUNDS} ${side}: ${ms.toFixed(0)} ms${note}; verified ${SITES} accounts, web roots, vhosts, FTP logins, databases, db users`);
    }
  }

  // ---- where Hostdeck's time goes
  const perKind = (rows: { kind: string; ms: number }[]) => {
    const by = new Map<string, number[]>();
    for (const r of rows) by.set(r.kind, [...(by.get(r.kind) ?? []), r.ms]);
    return [...by].map(([k, v]) => `${k} ${median(v).toFixed(1)}`).join(', ');
  };
  if (lastHostdeck && lastLocal) {
    const taskMs = lastHostdeck.tasks.map((t) => ({ kind: t.kind, ms: t.ms ?? 0 }));
    const sum = (rows: { ms: number }[]) => rows.reduce((a, r) => a + r.ms, 0);
    const firstStart = Math.min(...lastHostdeck.tasks.map((t) => Date.parse(t.startedAt!)));
    const lastEnd = Math.max(...lastHostdeck.tasks.map((t) => Date.parse(t.finishedAt!)));
    ctx.log(`hostdeck (last round): wall ${lastHostdeck.ms.toFixed(0)} ms, first start to last finish ${lastEnd - firstStart} ms, sum of task ms ${sum(taskMs).toFixed(0)}; median ms per kind: ${perKind(taskMs)}`);
    ctx.log(`local (last round): wall ${lastLocal.ms.toFixed(0)} ms, sum per task ${sum(lastLocal.perTask).toFixed(0)}; median ms per kind: ${perKind(lastLocal.perTask)}`);
    const hFtp = sum(taskMs.filter((t) => t.kind === 'ftp.create'));
    const lFtp = sum(lastLocal.perTask.filter((t) => t.kind === 'ftp.create'));
    ctx.log(`FTP logins (openssl SHA-512 crypt + pure-pw mkdb): ${hFtp.toFixed(0)} ms of Hostdeck's run (${((100 * hFtp) / lastHostdeck.ms).toFixed(0)} %), ${lFtp.toFixed(0)} ms of local's (${((100 * lFtp) / lastLocal.ms).toFixed(0)} %)`);
    ctx.log(`without the FTP step: Hostdeck ${(lastHostdeck.ms - hFtp).toFixed(0)} ms, local ${(lastLocal.ms - lFtp).toFixed(0)} ms (ratio ${((lastHostdeck.ms - hFtp) / (lastLocal.ms - lFtp)).toFixed(2)})` +
      (results.ansible.length ? `; Ansible minus local's hashing time (an estimate) ${(results.ansible.at(-1)! - lFtp).toFixed(0)} ms (ratio to Hostdeck without FTP ${((results.ansible.at(-1)! - lFtp) / (lastHostdeck.ms - hFtp)).toFixed(1)})` : ''));
  }
  // Per-task overhead: trivial tasks through the queue vs trivial `sh -c` locally.
  const probe = await openCore();
  const probeStarted = performance.now();
  const probeIds: string[] = [];
  for (let i = 0; i < PROBE_TASKS; i++) probeIds.push(probe.core.queue.enqueue(probe.serverId, 'fail-unless-file', { path: '/tmp' }).id);
  const probeEnqueued = performance.now() - probeStarted;
  await probe.settled(probeIds);
  const probeMs = performance.now() - probeStarted;
  await probe.core.close();
  const trivial = await taskKind('fail-unless-file').script({ path: '/tmp' }, async () => '');
  const localProbeStarted = performance.now();
  for (let i = 0; i < PROBE_TASKS; i++) await runLocal(trivial, undefined);
  const localProbeMs = performance.now() - localProbeStarted;
  const fsyncFile = path.join(probe.dataDir, 'fsync-probe');
  const line = `${JSON.stringify({ t: 'started', id: '00000000-0000-0000-0000-000000000000', at: new Date().toISOString() })}\n`;
  const fsyncStarted = performance.now();
  for (let i = 0; i < FSYNC_RUNS; i++) {
    const fd = openSync(fsyncFile, 'a+', 0o600);
    writeSync(fd, line);
    fsyncSync(fd);
    closeSync(fd);
  }
  const fsyncMs = (performance.now() - fsyncStarted) / FSYNC_RUNS;
  ctx.log(
    `overhead probe: ${PROBE_TASKS} \`test -e /\` tasks through the queue ${probeMs.toFixed(0)} ms (${(probeMs / PROBE_TASKS).toFixed(2)} ms/task; enqueued in ${probeEnqueued.toFixed(0)} ms), ` +
      `locally as sh -c ${localProbeMs.toFixed(0)} ms (${(localProbeMs / PROBE_TASKS).toFixed(2)} ms/task); one journal append + fsync ${fsyncMs.toFixed(2)} ms (2 per task run, 1 per enqueue call)`,
  );

  // ---- figures
  const [h, l] = [median(results.hostdeck), median(results.local)];
  const a = results.ansible.length ? median(results.ansible) : Number.NaN;
  const s = median(results.ssh);
  ctx.log(
    `medians of ${ROUNDS}: Hostdeck ${h.toFixed(0)} ms [${results.hostdeck.map((x) => x.toFixed(0)).join(', ')}], local ${l.toFixed(0)} ms [${results.local.map((x) => x.toFixed(0)).join(', ')}], ` +
      `Ansible ${Number.isNaN(a) ? 'not installed' : `${a.toFixed(0)} ms [${results.ansible.map((x) => x.toFixed(0)).join(', ')}]`}, ssh loop ${s.toFixed(0)} ms [${results.ssh.map((x) => x.toFixed(0)).join(', ')}]`,
  );
  ctx.log(`ratios: Ansible / Hostdeck ${(a / h).toFixed(1)} (goal >= 15), Hostdeck / local ${(h / l).toFixed(2)} (goal <= 1.3), ssh loop / Hostdeck ${(s / h).toFixed(1)}`);
  const what = `${SITES} sites x (account + web root + vhost + FTP login + database); Hostdeck: ${SITES * TASKS_PER_SITE} tasks (site.create covers account + web root; logs.site adds the site's log folder and rotation rule), median of ${ROUNDS} (peers: ${PEER_ROUNDS})`;
  const out = [
    entry({ name, metric: `${what}, vs the same task scripts run locally on the server (sh -c per task)`, unit: 'ms', hostdeck: h, peer: l, peerName: 'the same scripts and stdin, sequential sh -c on the server', goal: '<= 1.3' }),
    entry({ name, metric: `${what}, vs one ssh per step`, unit: 'ms', hostdeck: h, peer: s, peerName: 'bash: one OpenSSH `ssh` per step (5 per site), no ControlMaster', goal: 'info' }),
  ];
  if (version) {
    const peerName = `${version.replace(/^ansible-playbook \[core (.*)\]$/, 'Ansible $1')} playbook, builtin modules (8 per site, each looping over the sites), pipelining, no fact gathering`;
    // Goal: Ansible at least 15x slower, i.e. Hostdeck / Ansible <= 1/15.
    out.splice(1, 0, entry({ name, metric: `${what}, vs Ansible (goal: Ansible / Hostdeck >= 15)`, unit: 'ms', hostdeck: h, peer: a, peerName, goal: `<= ${(1 / 15).toFixed(4)}` }));
  } else {
    ctx.log('ansible-playbook is not installed (Debian: apt-get install -y ansible-core): no Ansible figure');
  }
  return out;
}
