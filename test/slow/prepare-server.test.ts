// "Prepare server" on a real fresh Debian 12 machine (testbed/fresh-root.ts: mmdebstrap's minimal
// root with its own sshd, network, PIDs and mounts; no systemd). First as users who are not root
// and become root through sudo: one logs in by password and sudo asks it for that password (DNS),
// one logs in by key with sudo asking none (base: firewall, SSH keys only); a second run of each
// changes nothing. Then as root for every role through the queue; a site with a domain, an FTP
// login and a database, and a pushed zone, are each served from it: nginx answers HTTP (and the
// site's PHP pool a .php page), pure-ftpd takes the login, MariaDB the database user, BIND the DNS
// query, and a zone transfer to the team's other nameserver (the namespace's root side) while one
// from any other address is refused. A second preparation changes nothing.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport, PreparePlan } from '../../shared/api/prepare';
import type { Server } from '../../shared/domain';
import type { AptProxy } from '../../testbed/apt-proxy';
import { FRESH_ROOT_ADDR, startFreshAptProxy, startFreshServer, stopFreshServer, type FreshServer } from '../../testbed/fresh-root';
import { ensureClientKeys } from '../../testbed/keys';
import { makeCore, type TestCore } from '../helpers/core';
import { expectDone, freshMachine, outcome } from '../helpers/fresh-machine';
import { registerSecret } from '../helpers/secrets';

let machine: FreshServer;
let proxy: AptProxy;
let t: TestCore;
let keyPath: string;

beforeAll(async () => {
  const keys = await ensureClientKeys();
  keyPath = keys.ed25519.path;
  proxy = await startFreshAptProxy();
  machine = await startFreshServer(readFileSync(keys.ed25519.publicPath, 'utf8'));
  t = await makeCore('prepare-server', { trust: [{ host: machine.host, port: machine.port, hostKeyLine: machine.hostKeyLine }] });
}, 300_000);

afterAll(async () => {
  await t?.core.close();
  await proxy?.close();
  if (machine && !process.env.HOSTDECK_KEEP_FRESH) await stopFreshServer(machine.dir);
});

// A password that would run a command if a shell ever took it for code (the canary is on the machine).
const SUDO_PASSWORD = `s'"$(touch /tmp/hd-canary) ${randomBytes(9).toString('base64url')}`;
registerSecret('the sudo user\'s login password', SUDO_PASSWORD);

describe('Prepare server on a fresh Debian 12 machine', () => {
  it('prepares as sudo users, then every role as root, serves a site, FTP, a database and a zone (transferred to the team\'s nameserver only), and changes nothing the second time', { timeout: 1_200_000 }, async () => {
    const { onMachine, prepare, expectServes } = freshMachine(t, machine, keyPath);
    // The team's other nameserver: the namespace's root side, so a query from there comes from it.
    await t.call<Server>('servers.add', { name: 'team-ns', host: FRESH_ROOT_ADDR, port: 22, user: 'root', auth: { method: 'key', keyPath }, roles: ['ns'], tags: [] });

    // Not root: hdpw logs in by password and sudo asks it for that password; hdkey logs in by key, sudo asks nothing.
    onMachine('useradd -m -s /bin/sh -G sudo hdpw && chpasswd', `hdpw:${SUDO_PASSWORD}\n`);
    onMachine('useradd -m -s /bin/sh hdkey && install -d -m 700 -o hdkey -g hdkey /home/hdkey/.ssh && install -m 600 -o hdkey -g hdkey /root/.ssh/authorized_keys /home/hdkey/.ssh/ && echo "hdkey ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/hdkey && chmod 0440 /etc/sudoers.d/hdkey');
    const byPassword = await t.call<Server>('servers.add', { name: 'fresh-hdpw', host: machine.host, port: machine.port, user: 'hdpw', auth: { method: 'password' }, secret: SUDO_PASSWORD, roles: [], tags: [] });
    const pwReport = await t.call<PreflightReport>('prepare.preflight', { serverId: byPassword.id });
    // Read as root through sudo -S with the kept login password: sshd's settings too.
    expect(pwReport.login).toEqual({ user: 'hdpw', sudo: 'password', sudoPassword: 'accepted' });
    expect(pwReport.notes).toEqual([]);
    expect(pwReport.sshPorts).toEqual([22]);
    const pwPlan = await t.call<PreparePlan>('prepare.preview', { serverId: byPassword.id, roles: ['ns'] });
    expect(pwPlan.changes.join('\n')).toMatch(/through sudo -S with hdpw's login password/);
    expect(pwPlan.tasks[0]!.commands.join('\n')).not.toContain(SUDO_PASSWORD);
    const pwFirst = await prepare(byPassword.id, ['ns']);
    expectDone(pwFirst, true);
    expect(pwFirst.tasks[0]!.stdoutTail).toMatch(/changed: installed bind9/);
    expectDone(await prepare(byPassword.id, ['ns']), false);
    expect(onMachine('test -e /tmp/hd-canary && echo ran || echo never').trim()).toBe('never');

    const byKey = await t.call<Server>('servers.add', { name: 'fresh-hdkey', host: machine.host, port: machine.port, user: 'hdkey', auth: { method: 'key', keyPath }, roles: [], tags: [] });
    const keyReport = await t.call<PreflightReport>('prepare.preflight', { serverId: byKey.id });
    expect(keyReport.login).toEqual({ user: 'hdkey', sudo: 'nopasswd', sudoPassword: null });
    expect(keyReport.sshPorts).toEqual([22]);
    const keyFirst = await prepare(byKey.id, ['base']);
    expectDone(keyFirst, true);
    expect(keyFirst.tasks.map((x) => x.kind)).toEqual(['prepare.base', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    expect(keyFirst.tasks.find((x) => x.kind === 'prepare.ssh-harden')!.stdoutTail).toMatch(/changed: sshd reloaded: key logins only[\s\S]*verified: a second login by key/);
    expectDone(await prepare(byKey.id, ['base']), false);
    console.log(`as sudo users: DNS by hdpw (sudo -S) ${pwFirst.ms} ms, base by hdkey (sudo -n) ${keyFirst.ms} ms`);

    const server = await t.call<Server>('servers.add', { name: 'fresh', host: machine.host, port: machine.port, user: 'root', auth: { method: 'key', keyPath }, roles: ['web', 'db', 'ftp', 'ns'], tags: [] });
    const serverId = server.id;

    const report = await t.call<PreflightReport>('prepare.preflight', { serverId });
    expect(report.os).toMatchObject({ id: 'debian', version: '12' });
    expect(report.login).toEqual({ user: 'root', sudo: 'root', sudoPassword: null });
    expect(report.supported).toBe(true);
    expect(report.systemd).toBe(false);
    expect(report.software.find((s) => s.name === 'nginx')?.version).toBeNull();
    expect(report.software.find((s) => s.name === 'bind9')?.version).not.toBeNull();
    expect(report.ports.map((p) => p.port)).toContain(22);
    const plan = await t.call<PreparePlan>('prepare.preview', { serverId, roles: ['base', 'web', 'db', 'ftp', 'ns'] });
    expect(plan.tasks.map((x) => x.kind)).toEqual(['prepare.base', 'prepare.web', 'prepare.db', 'prepare.ftp', 'prepare.ns', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    expect(plan.changes.join('\n')).toMatch(/install .*nginx/);

    const first = await prepare(serverId);
    for (const x of first.tasks) expect(x.status, outcome(x)).toBe('done');
    expect(first.tasks.find((x) => x.kind === 'prepare.web')!.stdoutTail).toMatch(/changed: installed/);
    console.log(`first preparation: ${first.ms} ms (${first.tasks.map((x) => `${x.kind} ${x.ms} ms`).join(', ')}); apt proxy: ${proxy.hits()} cached, ${proxy.misses()} fetched`);

    const second = await prepare(serverId);
    expectDone(second, false);
    console.log(`second preparation: ${second.ms} ms`);
    expect(onMachine('sshd -T | grep -i "^passwordauthentication"').trim()).toBe('passwordauthentication no');
    expect(onMachine('nft list table inet hostdeck')).toMatch(/policy drop/);

    // A site with a domain, an FTP login and a database, PHP, and a zone, served from the prepared machine.
    const zone = 'fresh-zone.test';
    await expectServes(serverId, { site: 'freshsite', domain: 'fresh-site.test', phpVersion: '8.2', zone, address: '192.0.2.44' });

    // Zone transfers: to the team's other nameserver (asked from its address), not to anyone else.
    const axfr = ['AXFR', zone, `@${machine.host}`, '+time=3', '+tries=1'];
    expect(execFileSync('dig', ['-b', FRESH_ROOT_ADDR, ...axfr], { encoding: 'utf8' })).toMatch(new RegExp(`^www\\.${zone.replace(/\./g, '\\.')}\\.\\s+300\\s+IN\\s+A\\s+192\\.0\\.2\\.44$`, 'm'));
    expect(onMachine(`dig -b ${machine.host} ${axfr.join(' ')}`)).toMatch(/Transfer failed/);
  });
});
