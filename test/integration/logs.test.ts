// A site's logs against the real sshd web1 as root and the testbed's nginx: the site's folder and
// rotation rule come with the site; a request to one of its domains is in the live tail within a
// second; after `logrotate -f` (twice: the first rotated file stays plain, the next is gzipped) a
// search on the server still finds the old lines in the .gz; hostile search text runs nothing (a
// canary); the tail process on the server is gone once the tail stops; deletion removes it all.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostingSettings } from '../../shared/api/hosting';
import type { LogHit, LogInfo } from '../../shared/api/logs';
import type { Task } from '../../shared/queue';
import { coreSuite, type TestCore } from '../helpers/core';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { getUntil, httpGet } from '../helpers/php';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdlg${tag}`;
const host = `lg-${tag}.test`;
const canary = `/tmp/hd-logs-canary-${tag}`;

function settings(): HostingSettings {
  const tb = suite.tb;
  return { ...testbedHostingSettings(tb), logs: { dir: `${tb.root}/site-logs`, rotateDir: `${tb.root}/logrotate.d`, keep: 3 } };
}

const statuses = (tasks: Task[]) => tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');

/** Lines of a tail seen so far, with when each arrived. */
function linesOf(t: TestCore, tailId: string): { line: string; at: number }[] {
  return t.events
    .filter((e) => e.event === 'logs.lines' && (e.payload as { tailId: string }).tailId === tailId)
    .flatMap((e) => (e.payload as { lines: string[]; at?: number }).lines.map((line) => ({ line, at: (e as { at?: number }).at ?? 0 })));
}

async function until<T>(what: string, fn: () => T | undefined | false, timeout = 5000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether a `tail -F` of this file runs on the server (the pattern's [.] keeps it from matching pgrep's own shell). */
const tailRunning = (path: string) => (sh(`pgrep -f -- ${JSON.stringify(`-F -s 0[.]2 -- ${path}`)}`) ?? '').trim() !== '';

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf`);
  rmSync(`${suite.tb.root}/site-logs/${site}`, { recursive: true, force: true });
  rmSync(`${suite.tb.root}/logrotate.d/hostdeck-${site}`, { force: true });
  rmSync(canary, { force: true });
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
});

describe('logs of a site', () => {
  it('logs per site, tails live within 1 s, searches rotated .gz files on the server, refuses or quotes hostile text, stops its tail, goes with the site', async () => {
    const t = await suite.web1('logs', 'root');
    // Each event gets its arrival time, to measure the tail's latency.
    t.core.subscribe((_event, _payload) => {
      const last = t.events.at(-1) as { at?: number } | undefined;
      if (last && last.at === undefined) last.at = Date.now();
    });
    const serverId = t.server.id;
    const s = settings();
    await t.call('hosting.setSettings', { serverId, ...s });
    const created = await t.call<{ tasks: Task[] }>('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [host] });
    expect(created.tasks.map((x) => x.kind)).toEqual(['site.create', 'logs.site', 'domain.bind']);
    const done = await settleQueue(t, serverId);
    expect(statuses(done.filter((x) => created.tasks.some((c) => c.id === x.id)))).not.toMatch(/failed/);

    // The folder is root's with the site's group (0750); the PHP error log alone is the site's.
    const dir = `${s.logs!.dir}/${site}`;
    const uid = Number(sh(`id -u ${site}`));
    const gid = Number(sh(`id -g ${site}`));
    expect(statSync(dir).uid).toBe(0);
    expect(statSync(dir).gid).toBe(gid);
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    expect(statSync(`${dir}/php-error.log`).uid).toBe(uid);
    const rule = `${s.logs!.rotateDir}/hostdeck-${site}`;
    const ruleText = readFileSync(rule, 'utf8');
    for (const line of ['daily', 'rotate 3', 'compress', 'delaycompress', 'missingok', 'notifempty', `su root ${site}`, `create 0640 root ${site}`, `nginx -s reopen -c '${s.web.nginxConf}'`]) expect(ruleText).toContain(line);
    expect(readFileSync(`${s.web.vhostDir}/hostdeck-${site}-${host}.conf`, 'utf8')).toContain(`access_log ${dir}/access.log;`);

    const { logs } = await t.call<{ logs: LogInfo[] }>('logs.list', { serverId, site });
    expect(logs.map((l) => l.id)).toEqual(['access', 'error', 'php-error', 'php-slow', 'cron']);
    expect(logs.find((l) => l.id === 'access')).toMatchObject({ exists: true, path: `${dir}/access.log` });
    expect(logs.find((l) => l.id === 'cron')!.exists).toBe(false);

    // nginx applies a reload a moment after its signal: the site answers before it is measured.
    expect((await getUntil(host, '/', (r) => r.status === 200)).status).toBe(200);
    // Live: each request is in the stream within a second (measured from just before it is sent).
    const { tailId, path } = await t.call<{ tailId: string; path: string }>('logs.follow', { serverId, site, log: 'access', backlog: 0 });
    expect(path).toBe(`${dir}/access.log`);
    await until('the tail on the server', () => tailRunning(path));
    await new Promise((r) => setTimeout(r, 300)); // tail -F has opened the file
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const probe = `/probe-${tag}-${i}`;
      const sent = Date.now();
      expect((await httpGet(host, probe)).status).toBe(404);
      const seen = await until(`${probe} in the tail`, () => linesOf(t, tailId).find((l) => l.line.includes(probe)), 3000);
      latencies.push(seen.at - sent);
    }
    console.log(`[logs] request -> line in the live tail: ${latencies.map((ms) => `${ms} ms`).join(', ')}`);
    for (const ms of latencies) expect(ms).toBeLessThan(1000);

    // Stop: the tail process on the server ends with it.
    await t.call('logs.stop', { tailId });
    await until('the tail on the server to end', () => !tailRunning(path), 3000);
    expect(t.events.some((e) => e.event === 'logs.state' && (e.payload as { tailId: string; state: string }).tailId === tailId && (e.payload as { state: string }).state === 'closed')).toBe(true);

    // Rotation: the probes move to access.log.1, then (with delaycompress) to access.log.2.gz.
    const state = `${suite.tb.root}/logrotate-${tag}.status`;
    expect(sh(`logrotate -f -s ${state} ${rule} && echo ok`)).toBe('ok\n');
    expect((await httpGet(host, `/second-${tag}`)).status).toBe(404);
    expect(sh(`logrotate -f -s ${state} ${rule} && echo ok`)).toBe('ok\n');
    rmSync(state, { force: true });
    expect(existsSync(`${dir}/access.log.2.gz`)).toBe(true);
    expect(existsSync(`${dir}/access.log.1`)).toBe(true);
    // nginx reopened: a new request lands in the new access.log.
    expect((await httpGet(host, `/third-${tag}`)).status).toBe(404);
    await until('nginx writing the new access.log', () => readFileSync(`${dir}/access.log`, 'utf8').includes(`/third-${tag}`));

    const found = await t.call<{ hits: LogHit[]; truncated: boolean }>('logs.search', { serverId, site, log: 'access', text: `-${tag}`, limit: 100 });
    expect(found.hits.map((h) => h.file.slice(dir.length + 1))).toEqual(['access.log.2.gz', 'access.log.2.gz', 'access.log.2.gz', 'access.log.2.gz', 'access.log.2.gz', 'access.log.1', 'access.log']);
    expect(found.hits[0]!.text).toContain(`/probe-${tag}-0`);
    expect(found.truncated).toBe(false);
    const limited = await t.call<{ hits: LogHit[]; truncated: boolean }>('logs.search', { serverId, site, log: 'access', text: `-${tag}`, limit: 2 });
    expect(limited).toMatchObject({ truncated: true });
    expect(limited.hits).toHaveLength(2);

    // Download: the matching lines of every file, or a range of the current one.
    const matching = await t.call<{ name: string; text: string; lines: number }>('logs.download', { serverId, site, log: 'access', text: `/probe-${tag}` });
    expect(matching.lines).toBe(5);
    expect(matching.name).toMatch(new RegExp(`^${site}-access-matching-.*\\.log$`));
    const range = await t.call<{ text: string; lines: number }>('logs.download', { serverId, site, log: 'access', from: 1, to: 1 });
    expect(range.lines).toBe(1);
    expect(range.text).toContain(`/third-${tag}`);

    // Hostile text: quoted as one argument of grep -F, or refused at the contract; nothing runs.
    const hostile = [`$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `"; touch ${canary}; "`, `x' -e 'y`, `--help`, `-e`, `-f /etc/shadow`, `\\`, `*`, `${canary}|touch ${canary}`, `a;touch ${canary}`, `$HOME`, `%s%n`, "'", '"'];
    for (const text of hostile) {
      const r = await t.call<{ hits: LogHit[] }>('logs.search', { serverId, site, log: 'access', text, limit: 10 });
      expect(r.hits.every((h) => h.text.includes(text))).toBe(true);
    }
    for (const text of ['a\nb', 'a\rb', 'a\u0000b', '', 'x'.repeat(201)]) expect((await t.fail('logs.search', { serverId, site, log: 'access', text, limit: 10 })).code).toBe('invalid-input');
    // Paths are never input: an unknown id or site is refused before anything runs.
    for (const log of ['../../etc/shadow', '/etc/shadow', 'access.log', 'php8.2-fpm; id', '']) expect((await t.fail('logs.follow', { serverId, site, log, backlog: 0 })).code).toBe('invalid-input');
    expect((await t.fail('logs.follow', { serverId, site: '../etc', log: 'access', backlog: 0 })).code).toBe('invalid-input');
    expect((await t.fail('logs.follow', { serverId, site: 'nosuchsite', log: 'access', backlog: 0 })).code).toBe('not-found');
    expect((await t.fail('logs.follow', { serverId, log: 'access', backlog: 0 })).code).toBe('not-found');
    expect(existsSync(canary)).toBe(false);

    // The server's own logs: what this machine has, each followable by its id.
    const own = await t.call<{ logs: LogInfo[] }>('logs.list', { serverId });
    for (const l of own.logs) expect(l.id).toMatch(/^(journal|syslog|messages|nginx-error|nginx-access|php\d+\.\d+-fpm)$/);
    const file = own.logs.find((l) => l.id !== 'journal' && l.exists);
    if (file) {
      const tail = await t.call<{ tailId: string; path: string }>('logs.follow', { serverId, log: file.id, backlog: 5 });
      expect(tail.path).toBe(file.path);
      await t.call('logs.stop', { tailId: tail.tailId });
    }

    // Changed settings reach an existing site through "set up logs again".
    await t.call('hosting.setSettings', { serverId, logs: { ...s.logs!, keep: 5 } });
    const again = await t.call<{ tasks: Task[] }>('logs.setUp', { serverId, site });
    expect(again.tasks.map((x) => x.kind)).toEqual(['logs.site']);
    expect(statuses(await settleQueue(t, serverId))).not.toMatch(/failed/);
    expect(readFileSync(rule, 'utf8')).toContain('rotate 5');
    expect((await t.fail('logs.setUp', { serverId, site: 'nosuchsite' })).code).toBe('not-found');

    // Deleting the site removes its logs and rule.
    const gone = await t.call<{ tasks: Task[] }>('hosting.deleteSite', { serverId, site, confirm: site });
    expect(gone.tasks.map((x) => x.kind)).toEqual(['domain.unbind', 'logs.remove', 'site.delete']);
    await settleQueue(t, serverId);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(rule)).toBe(false);
  });
});
