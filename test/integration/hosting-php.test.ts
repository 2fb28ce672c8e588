// A site's PHP against the real sshd web1 as root, the testbed's nginx and its php-fpm master:
// a PHP page served through nginx runs as the site's own user; site A's PHP cannot read site B's
// files (open_basedir stops PHP's own file functions, and the file modes stop a program PHP
// starts, which open_basedir does not reach); hostile values are refused at the contract before
// anything runs (a canary shows nothing ran); a value php-fpm itself refuses is rolled back with
// its message while the previous pool keeps serving; suspension stops the pool, deletion removes
// it; adoption finds it.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdoptionScan, HostingSettings, SiteRecord } from '../../shared/api/hosting';
import { DEFAULT_PHP_VALUES, type PhpSettings } from '../../shared/php';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { settleQueue, sh, testbedWebSettings } from '../helpers/hosting';
import { getUntil, HOSTILE_VALUES, removeTestPool, testbedPhpSettings } from '../helpers/php';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const siteA = `hdpa${tag}`;
const siteB = `hdpb${tag}`;
const hostA = `pa-${tag}.test`;
const hostB = `pb-${tag}.test`;
const canary = `/tmp/hd-php-canary-${tag}`;
const suspendedDir = () => `${suite.tb.root}/nginx-suspended`;

function settings(): HostingSettings & { php: PhpSettings } {
  const tb = suite.tb;
  return {
    ftp: { passwdFile: tb.ftp.passwdFile, dbFile: tb.ftp.dbFile },
    web: testbedWebSettings(tb, suspendedDir()),
    mysql: { socket: tb.mariadb.socket, defaultsFile: null },
    php: testbedPhpSettings(tb),
  };
}

const poolFile = (site: string) => `${suite.tb.php.poolsDir}/hd-${site}.conf`;
const socket = (site: string) => `${suite.tb.php.socketDir}/hd-${site}.sock`;
const hash = (file: string) => (existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent');

/** A file of the site, owned by it (as an upload would be). */
function put(site: string, rel: string, text: string, mode = 0o644): void {
  const file = `/home/${site}/${rel}`;
  writeFileSync(file, text, { mode });
  sh(`chown ${site}: ${file}`);
}

function connects(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

afterAll(async () => {
  for (const s of [siteA, siteB]) {
    await removeTestPool(s);
    if (sh(`id -u ${s}`) !== null) sh(`pkill -KILL -u ${s}; userdel -r ${s} 2>/dev/null`);
    rmSync(`/home/${s}`, { recursive: true, force: true });
    sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${s}-*.conf`);
    rmSync(`${suspendedDir()}/${s}`, { force: true });
  }
  rmSync(canary, { force: true });
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
});

describe('PHP of a site', () => {
  it('runs as the site\'s user, isolated from another site; refuses hostile values; rolls back what php-fpm refuses; suspends, adopts, deletes', async () => {
    const t = await suite.web1('php-life', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...settings() });
    const { installed } = await t.call<{ installed: { version: string; binary: string }[] }>('hosting.phpVersions', { serverId });
    expect(installed).toContainEqual({ version: suite.tb.php.version, binary: suite.tb.php.binary });
    const version = suite.tb.php.version;
    for (const [site, host] of [[siteA, hostA], [siteB, hostB]] as const) {
      await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [host] });
    }
    const on = await t.call<{ tasks: Task[] }>('hosting.setPhp', { serverId, site: siteA, version, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '96M' }, extras: [{ name: 'display_errors', value: 'On' }] });
    expect(on.tasks.map((x) => x.kind)).toEqual(['php.pool', 'domain.bind']);
    await t.call('hosting.setPhp', { serverId, site: siteB, version, values: DEFAULT_PHP_VALUES, extras: [] });
    let tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(tasks.find((x) => x.kind === 'php.pool')!.stdoutTail).toContain(`PHP ${version} serves site ${siteA}`);

    // The pool: the site's user, a socket of the site and the web server's group only (0660).
    const sock = statSync(socket(siteA));
    expect(sock.mode & 0o777).toBe(0o660);
    expect(String(sock.uid)).toBe(sh(`id -u ${siteA}`)!.trim());
    expect(String(sock.gid)).toBe(sh('getent group www-data | cut -d: -f3')!.trim());
    for (const d of ['.php', '.php/tmp', '.php/sessions']) {
      const st = statSync(`/home/${siteA}/${d}`);
      expect([st.mode & 0o777, String(st.uid)], d).toEqual([0o700, sh(`id -u ${siteA}`)!.trim()]);
    }

    // PHP through nginx runs as the site's user and group, with the site's values.
    put(siteA, 'public_html/id.php', '<?php echo posix_geteuid(), " ", posix_getegid(), " ", ini_get("memory_limit"), " ", ini_get("open_basedir"), "\\n";');
    const id = await getUntil(hostA, '/id.php', (r) => r.status === 200 && /^\d/.test(r.body));
    expect(id).toEqual({ status: 200, body: `${sh(`id -u ${siteA}`)!.trim()} ${sh(`id -g ${siteA}`)!.trim()} 96M /home/${siteA}/\n` });

    // Site B's file: A's PHP is stopped by open_basedir, and a program A's PHP starts (which
    // open_basedir does not reach) by the file modes (B's home is 0750 B:www-data).
    put(siteB, 'secret.txt', `secret of ${siteB}\n`, 0o644);
    put(siteB, 'public_html/own.php', `<?php echo file_get_contents("/home/${siteB}/secret.txt");`);
    expect((await getUntil(hostB, '/own.php', (r) => r.status === 200)).body).toBe(`secret of ${siteB}\n`);
    put(siteA, 'public_html/peek.php', `<?php set_error_handler(function ($n, $m) { echo $m, "\\n"; return true; }); echo file_get_contents("/home/${siteB}/secret.txt");`);
    const peek = await httpGet200(hostA, '/peek.php');
    expect(peek).toContain('open_basedir restriction in effect');
    expect(peek).not.toContain('secret of');
    put(siteA, 'public_html/shell.php', `<?php echo shell_exec("cat /home/${siteB}/secret.txt 2>&1");`);
    const viaShell = await httpGet200(hostA, '/shell.php');
    expect(viaShell).toContain('Permission denied');
    expect(viaShell).not.toContain('secret of');

    // Hostile values: refused at the contract (queue and preview), nothing queued, nothing ran.
    const before = { pool: hash(poolFile(siteA)), tasks: (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length, sites: await t.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId }) };
    const hostile = [...HOSTILE_VALUES, `$(touch ${canary})`, `\`touch ${canary}\``, `Off\ninclude=${canary}`, `On\nphp_admin_value[open_basedir] = /`];
    for (const value of hostile) {
      const e = await t.fail('hosting.setPhp', { serverId, site: siteA, version, values: DEFAULT_PHP_VALUES, extras: [{ name: 'display_errors', value }] });
      expect(e.code, JSON.stringify(value)).toBe('invalid-input');
      expect(e.fields?.['extras.0.value'], JSON.stringify(value)).toBeTruthy();
      const p = await t.fail('hosting.preview', { serverId, change: { op: 'setPhp', input: { site: siteA, version, values: DEFAULT_PHP_VALUES, extras: [{ name: 'display_errors', value }] } } });
      expect(p.code).toBe('invalid-input');
    }
    for (const name of ['open_basedir', 'extension', 'auto_prepend_file', 'sendmail_path', 'x]\nuser=root']) {
      const e = await t.fail('hosting.setPhp', { serverId, site: siteA, version, values: DEFAULT_PHP_VALUES, extras: [{ name, value: '/tmp' }] });
      expect(e.fields?.['extras.0.name'], name).toBeTruthy();
    }
    expect(existsSync(canary)).toBe(false);
    expect(hash(poolFile(siteA))).toBe(before.pool);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(before.tasks);
    expect(await t.call('hosting.sites', { serverId })).toEqual(before.sites);

    // A value the grammar allows but php-fpm's parser refuses: rolled back, the old pool serves.
    await t.call('hosting.setPhp', { serverId, site: siteA, version, values: DEFAULT_PHP_VALUES, extras: [{ name: 'error_reporting', value: 'E_ALL & (' }] });
    tasks = await settleQueue(t, serverId, 90_000);
    const failed = tasks.at(-1)!;
    expect(failed.status, statuses(tasks)).toBe('failed');
    expect(failed.stderrTail).toContain('php-fpm refused the new configuration; the previous one was restored');
    expect(failed.stderrTail).toMatch(/syntax error/);
    expect(hash(poolFile(siteA))).toBe(before.pool);
    expect((await httpGet200(hostA, '/id.php'))).toContain(' 96M ');
    await t.call('queue.skip', { serverId });
    // A reload that fails (the master's pid file is not where the settings say): put back too.
    await t.call('hosting.setSettings', { serverId, php: { ...settings().php, pidFile: `${suite.tb.php.pidFile}.missing` } });
    await t.call('hosting.setPhp', { serverId, site: siteA, version, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '48M' }, extras: [] });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.at(-1)!.status, statuses(tasks)).toBe('failed');
    expect(tasks.at(-1)!.stderrTail).toContain(`php-fpm did not reload (is php${version}-fpm running?); the previous configuration was restored`);
    expect(hash(poolFile(siteA))).toBe(before.pool);
    await t.call('queue.skip', { serverId });
    await t.call('hosting.setSettings', { serverId, php: settings().php });
    // Fixed: good values apply.
    await t.call('hosting.setPhp', { serverId, site: siteA, version, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '64M' }, extras: [{ name: 'error_reporting', value: 'E_ALL & ~E_DEPRECATED' }] });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.at(-1)!.status, statuses(tasks)).toBe('done');
    expect((await getUntil(hostA, '/id.php', (r) => r.body.includes(' 64M '))).body).toContain(' 64M ');

    // Adoption: a core without records finds the pool with its values.
    const fresh = await suite.web1('php-adopt', 'root');
    await fresh.call('hosting.setSettings', { serverId: fresh.server.id, ...settings() });
    const scan = await fresh.call<AdoptionScan>('hosting.adoptScan', { serverId: fresh.server.id });
    expect(scan.php.find((x) => x.site === siteA)?.php).toEqual({ version, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '64M' }, extras: [{ name: 'error_reporting', value: 'E_ALL & ~E_DEPRECATED' }] });

    // Suspended: the pool is parked, its socket gone; no PHP runs for the site.
    await t.call('hosting.suspendSite', { serverId, site: siteA });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.at(-1)!, statuses(tasks)).toMatchObject({ kind: 'php.pool', status: 'done' });
    expect(existsSync(poolFile(siteA))).toBe(false);
    expect(existsSync(`${poolFile(siteA)}.suspended`)).toBe(true);
    expect(await connects(socket(siteA))).toBe(false);
    expect((await getUntil(hostA, '/id.php', (r) => r.status === 503)).status).toBe(503);
    await t.call('hosting.unsuspendSite', { serverId, site: siteA });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.at(-1)!.status, statuses(tasks)).toBe('done');
    expect((await getUntil(hostA, '/id.php', (r) => r.status === 200)).body).toContain(' 64M ');

    // Deleted: the pool goes before the account.
    const gone = await t.call<{ tasks: Task[] }>('hosting.deleteSite', { serverId, site: siteA, confirm: siteA });
    expect(gone.tasks.map((x) => x.kind)).toEqual(['domain.unbind', 'php.remove', 'logs.remove', 'site.delete']);
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done' || x.status === 'skipped'), statuses(tasks)).toBe(true);
    expect(existsSync(poolFile(siteA))).toBe(false);
    expect(existsSync(`${poolFile(siteA)}.suspended`)).toBe(false);
    expect(existsSync(socket(siteA))).toBe(false);
    expect(sh(`id -u ${siteA}`)).toBeNull();
    // Site B is untouched.
    expect((await httpGet200(hostB, '/own.php'))).toBe(`secret of ${siteB}\n`);

    // PHP off for B: its .php files are refused (not sent as source), its pool is gone.
    const off = await t.call<{ tasks: Task[] }>('hosting.disablePhp', { serverId, site: siteB });
    expect(off.tasks.map((x) => x.kind)).toEqual(['domain.bind', 'php.remove']);
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.at(-1)!.status, statuses(tasks)).toBe('done');
    expect(existsSync(poolFile(siteB))).toBe(false);
    expect(existsSync(socket(siteB))).toBe(false);
    const refused = await getUntil(hostB, '/own.php', (r) => r.status === 403);
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('secret of');
  }, 300_000);
});

async function httpGet200(host: string, path: string): Promise<string> {
  const r = await getUntil(host, path, (x) => x.status === 200);
  expect(r.status, r.body).toBe(200);
  return r.body;
}
