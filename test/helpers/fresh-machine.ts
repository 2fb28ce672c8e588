// What the tests on a fresh machine (testbed/fresh-root.ts) do with it: commands over OpenSSH,
// HTTP to its nginx by name, preparation through the queue, what its tasks must show, and the
// hosting a prepared machine must serve.
import { execFileSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import http from 'node:http';
import { Client } from 'basic-ftp';
import { expect } from 'vitest';
import type { HostingSettings } from '../../shared/api/hosting';
import type { PrepareRole } from '../../shared/api/prepare';
import { DEFAULT_PHP_VALUES } from '../../shared/php';
import type { Task } from '../../shared/queue';
import type { FreshServer } from '../../testbed/fresh-root';
import type { TestCore } from './core';
import { SOA } from './dns';
import { settleQueue } from './hosting';
import { askUntil } from './php';
import { registerSecret } from './secrets';

export const ALL_ROLES: PrepareRole[] = ['base', 'web', 'db', 'ftp', 'ns'];

export type PrepareRun = { tasks: Task[]; ms: number };

export type ServedHosting = { site: string; domain: string; phpVersion: string; zone: string; address: string };

export function freshMachine(t: TestCore, machine: FreshServer, keyPath: string) {
  /** A command on the fresh machine as root over OpenSSH (stdin given, never on a command line). */
  const onMachine = (cmd: string, input = ''): string =>
    execFileSync('ssh', ['-i', keyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${machine.host}`, cmd], { input, encoding: 'utf8' });
  const httpGet = (host: string, path = '/'): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      http.get({ host: machine.host, port: 80, path, headers: { Host: host }, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  const settled = async (serverId: string) => {
    for (const x of await settleQueue(t, serverId, 60_000)) expect(x.status, outcome(x)).toBe('done');
  };
  return {
    onMachine,
    httpGet,
    /**
     * On a prepared machine: a site with a domain served by nginx (asked until nginx has reloaded),
     * its FTP login over TLS, its database user's login, a .php page run as the site's user by the
     * given PHP version's pool, and a pushed zone's A record answered by BIND.
     */
    async expectServes(serverId: string, h: ServedHosting): Promise<void> {
      await t.call('hosting.createSite', { serverId, name: h.site, quotaMb: 0 });
      await t.call('hosting.bindDomain', { serverId, site: h.site, domain: h.domain, aliases: [] });
      const ftp = await t.call<{ user: string; password: string }>('hosting.createFtp', { serverId, site: h.site, user: `${h.site}_ftp` });
      const db = await t.call<{ name: string; user: string; password: string }>('hosting.createDb', { serverId, site: h.site, name: `${h.site}_db`, user: `${h.site}_u` });
      registerSecret(`${h.site}'s FTP password`, ftp.password);
      registerSecret(`${h.site}'s database password`, db.password);
      await settled(serverId);

      const page = await askUntil(() => httpGet(h.domain).catch(dropped), (r) => r.body.includes('It works'));
      expect(page.status).toBe(200);
      expect(page.body).toContain('It works');

      const client = new Client(20_000);
      try {
        await client.access({ host: machine.host, port: 21, user: ftp.user, password: ftp.password, secure: true, secureOptions: { rejectUnauthorized: false } });
        expect((await client.list()).map((f) => f.name)).toContain('public_html');
      } finally {
        client.close();
      }

      const dbs = onMachine(`mysql --defaults-extra-file=/dev/stdin -u ${db.user} -N -B -e 'SHOW DATABASES'`, `[client]\npassword=${db.password}\n`);
      expect(dbs.split('\n')).toContain(db.name);

      // No systemd on the fresh machine: preparing switched the PHP settings to reloading by signal.
      const { settings } = await t.call<{ settings: HostingSettings }>('hosting.sites', { serverId });
      expect(settings.php?.reload).toBe('pidfile');
      await t.call('hosting.setPhp', { serverId, site: h.site, version: h.phpVersion, values: DEFAULT_PHP_VALUES, extras: [] });
      await settled(serverId);
      onMachine(`printf '%s' '<?php echo "php-ok as ", get_current_user();' > /home/${h.site}/public_html/p.php && chown ${h.site}: /home/${h.site}/public_html/p.php`);
      const php = await askUntil(() => httpGet(h.domain, '/p.php').catch(dropped), (r) => r.status === 200 && r.body.startsWith('php-ok'));
      expect(php).toEqual({ status: 200, body: `php-ok as ${h.site}` });

      await t.call('dns.createZone', { zone: h.zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
      await t.call('dns.putRecord', { zone: h.zone, record: { name: 'www', type: 'A', ttl: 300, value: h.address } });
      await t.call('dns.push', { zones: [h.zone] });
      await settled(serverId);
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([`${machine.host}:53`]);
      expect(await resolver.resolve4(`www.${h.zone}`)).toEqual([h.address]);
    },
    /** Preflight, then the roles' tasks through the queue until it settles. */
    async prepare(serverId: string, roles: PrepareRole[] = ALL_ROLES): Promise<PrepareRun> {
      const started = Date.now();
      await t.call('prepare.preflight', { serverId });
      const { tasks: queued } = await t.call<{ tasks: Task[] }>('prepare.enqueue', { serverId, roles });
      const all = await settleQueue(t, serverId, 900_000);
      const ids = new Set(queued.map((q) => q.id));
      return { tasks: all.filter((x) => ids.has(x.id)), ms: Date.now() - started };
    },
  };
}

/** A connection a reload dropped, as an answer to ask again. */
export const dropped = (error: unknown) => ({ status: 0, body: String(error) });

export const outcome = (x: Task) => `${x.kind}: ${x.status}\n${x.stdoutTail}\n${x.stderrTail}`;

/** The tasks all done, and (`changed`) whether any of them changed something. */
export function expectDone(run: { tasks: Task[] }, changed: boolean): void {
  expect(run.tasks.length).toBeGreaterThan(0);
  for (const x of run.tasks) expect(x.status, outcome(x)).toBe('done');
  if (!changed) {
    for (const x of run.tasks) expect(x.stdoutTail, outcome(x)).not.toMatch(/^changed:/m);
    for (const x of run.tasks.filter((x) => x.kind !== 'prepare.ssh-check')) expect(x.stdoutTail, outcome(x)).toMatch(/already in place: nothing changed/);
  }
}
