// "Prepare server"'s plan rendering: the preflight parsed, the roles turned into tasks in order
// with their parameters (firewall ports, buffer pool), what would change, and every script
// syntax-checked by sh -n. Hostile values never reach a script.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FTP_SETTINGS, DEFAULT_WEB_SETTINGS } from '../../shared/api/hosting';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import { PrepareInput, type PrepareRole } from '../../shared/api/prepare';
import { describeTask, parseParams, taskKind } from '../../src-main/core/queue/kinds';
import { parsePreflight } from '../../src-main/core/prepare/preflight';
import { bufferPoolMb, changes, recipe, type RecipeInput } from '../../src-main/core/prepare/recipe';
import { namedOptions, webLines } from '../../src-main/core/prepare/steps';
import { registerSshKinds } from '../../src-main/core/prepare/tasks';

const BY_PASSWORD = '0b6d1c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
const fresh: string[] = [];
// Pure logic here: which server logs in how, and whether a fresh login was opened (the slow test does it for real).
registerSshKinds({
  inventory: { stored: (id: string) => ({ auth: { method: id === BY_PASSWORD ? 'password' : 'key' } }) as never },
  connections: { connectFresh: async (id: string) => { fresh.push(id); return { close: () => undefined } as never; } },
});

const FRESH = [
  'os_id=debian', 'os_version=12', 'os_pretty=Debian GNU/Linux 12 (bookworm)', 'systemd=0', 'mem_kb=4046000', 'disk_free_kb=20971520',
  'pkg=nginx\t', 'pkg=apache2\t', 'pkg=mariadb-server\t', 'pkg=restic\t0.14.0-1+b5',
  'port=tcp\t0.0.0.0:22\tusers:(("sshd",pid=1,fd=3))', 'port=tcp\t[::]:22\tusers:(("sshd",pid=1,fd=4))',
  'ssh_port=22', 'ssh_password=yes',
].join('\n');

const APACHE = [
  'os_id=ubuntu', 'os_version=24.04', 'os_pretty=Ubuntu 24.04 LTS', 'systemd=1', 'mem_kb=16000000', 'disk_free_kb=1048576',
  'pkg=apache2\t2.4.58-1ubuntu8', 'pkg=bind9\t1:9.18.28', 'phpfpm=8.3',
  'port=tcp\t*:80\tusers:(("apache2",pid=900,fd=4))', 'port=udp\t127.0.0.1:53\tusers:(("named",pid=800,fd=20))',
  'apache_site=000-default.conf', 'apache_site=shop.conf', 'ssh_port=2222', 'ssh_password=no',
].join('\n');

function input(report: string, roles: PrepareRole[], extra: Partial<RecipeInput> = {}): RecipeInput {
  return {
    roles,
    report: parsePreflight(report),
    hosting: { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: { socket: null, defaultsFile: null } },
    ns: DEFAULT_NS_SETTINGS,
    nsPeers: [],
    keyLogin: true,
    sshPort: 22,
    serverId: '6f1c3c1e-8f7a-4c65-9a55-0d2a3f1b2c3d',
    ...extra,
  };
}

describe('prepare: preflight', () => {
  it('reads a fresh Debian 12 and an Ubuntu with Apache', () => {
    const fresh = parsePreflight(FRESH);
    expect(fresh).toMatchObject({ os: { id: 'debian', version: '12' }, supported: true, systemd: false, memoryMb: 3951, diskFreeMb: 20480, sshPorts: [22], sshPasswordAuth: true, apacheSites: [] });
    expect(fresh.software.find((s) => s.name === 'restic')?.version).toBe('0.14.0-1+b5');
    expect(fresh.software.find((s) => s.name === 'nginx')?.version).toBeNull();
    expect(fresh.ports).toEqual([{ proto: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' }, { proto: 'tcp', address: '[::]', port: 22, process: 'sshd' }]);
    const apache = parsePreflight(APACHE);
    expect(apache).toMatchObject({ supported: true, systemd: true, phpFpm: ['8.3'], apacheSites: ['000-default.conf', 'shop.conf'], sshPorts: [2222], sshPasswordAuth: false });
  });
});

describe('prepare: recipe', () => {
  it('turns every role into its tasks in order, SSH last', () => {
    const steps = recipe(input(FRESH, ['base', 'web', 'db', 'ftp', 'ns'], { nsPeers: ['203.0.113.7'] }));
    expect(steps.map((s) => s.kind)).toEqual(['prepare.base', 'prepare.web', 'prepare.db', 'prepare.ftp', 'prepare.ns', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    expect(steps.find((s) => s.kind === 'prepare.firewall')!.params).toEqual({ tcp: [21, 22, 53, 80, 443], udp: [53], tcpRanges: [[30000, 30099]] });
    expect(steps.find((s) => s.kind === 'prepare.db')!.params).toEqual({ bufferPoolMb: 896 });
    for (const s of steps) {
      const { title, commands } = describeTask(s.kind, parseParams(s.kind, s.params));
      expect(title.length).toBeGreaterThan(0);
      // Every script is valid sh.
      execFileSync('sh', ['-n'], { input: commands.filter((l) => !l.startsWith('# then')).join('\n') });
    }
    const ns = describeTask('prepare.ns', parseParams('prepare.ns', steps.find((s) => s.kind === 'prepare.ns')!.params));
    expect(ns.commands.join('\n')).toContain('allow-transfer { 203.0.113.7; };');
  });

  it('lets in the ports of roles already there and the SSH ports, whatever is picked now', () => {
    const only = recipe(input(APACHE, ['base'], { sshPort: 2222 }));
    expect(only.find((s) => s.kind === 'prepare.firewall')!.params).toEqual({ tcp: [53, 80, 443, 2222], udp: [53], tcpRanges: [] });
  });

  it('sizes the buffer pool to the memory in 128 MB chunks', () => {
    expect(bufferPoolMb(4096, ['db'])).toBe(2048);
    expect(bufferPoolMb(4096, ['web', 'db'])).toBe(1024);
    expect(bufferPoolMb(300, ['db'])).toBe(128);
    expect(bufferPoolMb(3951, ['db', 'web'])).toBe(896);
  });

  it('says what would change and what it leaves alone', () => {
    const fresh = changes(input(FRESH, ['base', 'web', 'db']));
    expect(fresh.changes).toContain('install nginx');
    expect(fresh.changes).toContain('install php-fpm, php-mysql');
    expect(fresh.changes).toContain('install mariadb-server');
    expect(fresh.changes.join('\n')).toMatch(/no systemd here/);
    expect(fresh.changes.join('\n')).toMatch(/password logins turned off once a second key login has worked/);
    const apache = changes(input(APACHE, ['web']));
    expect(apache.warnings.join('\n')).toMatch(/Apache serves port 80 \(sites: 000-default.conf, shop.conf\)/);
    expect(fresh.warnings.join('\n')).not.toMatch(/by password/);
    expect(changes(input(FRESH, ['base'], { keyLogin: false })).warnings.join('\n')).toMatch(/logs in to this server by password: the SSH check will fail/);
  });

  it('writes named options with transfers only to the team', () => {
    expect(namedOptions([])).toContain('allow-transfer { none; };');
    expect(namedOptions([])).not.toContain('also-notify');
    expect(namedOptions(['192.0.2.1', '192.0.2.2'])).toContain('also-notify { 192.0.2.1; 192.0.2.2; };');
  });

  it('refuses hostile values before any script is made', () => {
    const hostile = ['/etc/x; touch /tmp/pwned', '/etc/$(id)', '/etc/`id`', '../etc', '/etc/x\nrm -rf /', "/etc/a'b", '/etc/a b'];
    for (const bad of hostile) {
      expect(() => parseParams('prepare.web', { ...DEFAULT_WEB_SETTINGS, logDir: bad, listen: undefined, tlsListen: undefined }), bad).toThrow();
      expect(() => webLines({ suspendedDir: bad, tlsDir: '/etc/ssl/hostdeck', logDir: '/var/log/hostdeck', vhostDir: '/etc/nginx/sites-enabled', nginxConf: '/etc/nginx/nginx.conf' }), bad).toThrow();
    }
    for (const peer of ['1.2.3.4; };', '1.2.3', 'ns1.example.com', '256.1.1.1']) expect(() => parseParams('prepare.ns', { zonesConf: '/etc/bind/named.conf.hostdeck', namedConf: '/etc/bind/named.conf', peers: [peer] }), peer).toThrow();
    expect(() => parseParams('prepare.db', { bufferPoolMb: 100 })).toThrow();
    // The contract refuses them first.
    const serverId = '6f1c3c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
    for (const nsPeers of [['1.2.3.4; touch /tmp/pwned'], ['$(id)'], Array.from({ length: 21 }, (_, i) => `192.0.2.${i}`)]) expect(PrepareInput.safeParse({ serverId, roles: ['ns'], nsPeers }).success, JSON.stringify(nsPeers)).toBe(false);
    for (const roles of [['web; rm -rf /'], [], ['web', 'web'], ['mail']]) expect(PrepareInput.safeParse({ serverId, roles }).success, JSON.stringify(roles)).toBe(false);
    expect(PrepareInput.safeParse({ serverId, roles: ['base'], extra: 1 }).success).toBe(false);
    expect(() => parseParams('prepare.firewall', { tcp: [22, 0], udp: [], tcpRanges: [] })).toThrow();
  });

  it('turns password logins off only after a second login by key worked', async () => {
    const keyServer = '6f1c3c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
    await expect(taskKind('prepare.ssh-check').verify!({ serverId: BY_PASSWORD })).rejects.toThrow(/by password, not by key: password logins stay on/);
    expect(fresh).toEqual([]);
    expect(await taskKind('prepare.ssh-check').verify!({ serverId: keyServer })).toMatch(/a second login by key .* works/);
    expect(fresh).toEqual([keyServer]);
    // The recipe puts the check right before the change: the queue stops there when it fails.
    const kinds = recipe(input(FRESH, ['base'])).map((x) => x.kind);
    expect(kinds.indexOf('prepare.ssh-check')).toBe(kinds.indexOf('prepare.ssh-harden') - 1);
  });
});
