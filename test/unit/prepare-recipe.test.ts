// "Prepare server"'s plan rendering: the preflight parsed, the roles turned into tasks in order
// with their parameters (firewall ports, buffer pool), what would change, and every script
// syntax-checked by sh -n. Hostile values never reach a script.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FTP_SETTINGS, DEFAULT_WEB_SETTINGS } from '../../shared/api/hosting';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import { PrepareInput, type PrepareRole } from '../../shared/api/prepare';
import { describeTask, parseParams, taskKind } from '../../src-main/core/queue/kinds';
import { PREFLIGHT_SCRIPT, osReleaseLine, parsePreflight, preflightScript } from '../../src-main/core/prepare/preflight';
import { bufferPoolMb, changes, recipe, type RecipeInput } from '../../src-main/core/prepare/recipe';
import { namedOptions, webLines } from '../../src-main/core/prepare/steps';
import { registerPrepareKinds } from '../../src-main/core/prepare/tasks';
import { asRoot, type Login } from '../../src-main/core/prepare/sudo';
import { registerSecret } from '../helpers/secrets';

const BY_PASSWORD = '0b6d1c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
const SUDO_KEY = '1c6d1c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
const SUDO_PASSWORD = '2d6d1c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
const LOGIN_PASSWORD = `pw 'q' "d" $(touch /tmp/x) \\ end`;
registerSecret('a login password sudo -S takes', LOGIN_PASSWORD);
const fresh: string[] = [];
// Pure logic here: which server logs in how, and whether a fresh login was opened (the slow test does it for real).
registerPrepareKinds({
  inventory: {
    stored: (id: string) => ({ user: id === SUDO_KEY || id === SUDO_PASSWORD ? 'admin' : 'root', auth: { method: id === BY_PASSWORD || id === SUDO_PASSWORD ? 'password' : 'key' } }) as never,
    secret: async (id: string) => (id === SUDO_PASSWORD ? LOGIN_PASSWORD : null),
  },
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

const SERVER = '6f1c3c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';

function input(report: string, roles: PrepareRole[], extra: Partial<RecipeInput> = {}): RecipeInput {
  return {
    roles,
    report: parsePreflight(report),
    hosting: { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: { socket: null, defaultsFile: null } },
    ns: DEFAULT_NS_SETTINGS,
    nsPeers: [],
    keyLogin: true,
    sshPort: 22,
    serverId: SERVER,
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
    expect(steps.find((s) => s.kind === 'prepare.firewall')!.params).toEqual({ serverId: SERVER, tcp: [21, 22, 53, 80, 443], udp: [53], tcpRanges: [[30000, 30099]] });
    expect(steps.find((s) => s.kind === 'prepare.db')!.params).toEqual({ serverId: SERVER, bufferPoolMb: 896 });
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
    expect(only.find((s) => s.kind === 'prepare.firewall')!.params).toEqual({ serverId: SERVER, tcp: [53, 80, 443, 2222], udp: [53], tcpRanges: [] });
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
      expect(() => parseParams('prepare.web', { serverId: SERVER, ...DEFAULT_WEB_SETTINGS, logDir: bad, listen: undefined, tlsListen: undefined }), bad).toThrow();
      expect(() => webLines({ serverId: SERVER, suspendedDir: bad, tlsDir: '/etc/ssl/hostdeck', logDir: '/var/log/hostdeck', vhostDir: '/etc/nginx/sites-enabled', nginxConf: '/etc/nginx/nginx.conf' }), bad).toThrow();
    }
    for (const peer of ['1.2.3.4; };', '1.2.3', 'ns1.example.com', '256.1.1.1']) expect(() => parseParams('prepare.ns', { serverId: SERVER, zonesConf: '/etc/bind/named.conf.hostdeck', namedConf: '/etc/bind/named.conf', peers: [peer] }), peer).toThrow();
    expect(() => parseParams('prepare.db', { serverId: SERVER, bufferPoolMb: 100 })).toThrow();
    expect(() => parseParams('prepare.base', { serverId: '../x; id' })).toThrow();
    // The contract refuses them first.
    const serverId = '6f1c3c1e-8f7a-4c65-9a55-0d2a3f1b2c3d';
    for (const nsPeers of [['1.2.3.4; touch /tmp/pwned'], ['$(id)'], Array.from({ length: 21 }, (_, i) => `192.0.2.${i}`)]) expect(PrepareInput.safeParse({ serverId, roles: ['ns'], nsPeers }).success, JSON.stringify(nsPeers)).toBe(false);
    for (const roles of [['web; rm -rf /'], [], ['web', 'web'], ['mail']]) expect(PrepareInput.safeParse({ serverId, roles }).success, JSON.stringify(roles)).toBe(false);
    expect(PrepareInput.safeParse({ serverId, roles: ['base'], extra: 1 }).success).toBe(false);
    expect(() => parseParams('prepare.firewall', { serverId: SERVER, tcp: [22, 0], udp: [], tcpRanges: [] })).toThrow();
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

// /etc/os-release as each release's base-files package ships it.
const OS_RELEASE = {
  'debian 12': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n',
  'ubuntu 22.04': 'PRETTY_NAME="Ubuntu 22.04 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04 (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nUBUNTU_CODENAME=jammy\n',
  'ubuntu 24.04': 'PRETTY_NAME="Ubuntu 24.04 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n',
  'ubuntu 20.04': 'NAME="Ubuntu"\nVERSION="20.04.6 LTS (Focal Fossa)"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 20.04.6 LTS"\nVERSION_ID="20.04"\nVERSION_CODENAME=focal\nUBUNTU_CODENAME=focal\n',
  'debian 11': 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nNAME="Debian GNU/Linux"\nVERSION_ID="11"\nVERSION="11 (bullseye)"\nVERSION_CODENAME=bullseye\nID=debian\n',
};

describe('prepare: the OS and the login', () => {
  it('reads Debian 12 and Ubuntu 22.04/24.04 from /etc/os-release as supported, older releases not', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hd-os-release-'));
    try {
      for (const [name, text] of Object.entries(OS_RELEASE)) {
        const file = path.join(dir, name.replace(' ', '-'));
        writeFileSync(file, text);
        const report = parsePreflight(execFileSync('sh', ['-c', osReleaseLine(file)], { encoding: 'utf8' }));
        const [id, version] = name.split(' ');
        expect(report.os, name).toMatchObject({ id, version });
        expect(report.os.pretty, name).toMatch(/^(Debian GNU\/Linux|Ubuntu) \d/);
        expect(report.supported, name).toBe(['debian 12', 'ubuntu 22.04', 'ubuntu 24.04'].includes(name));
        expect(changes(input(`${execFileSync('sh', ['-c', osReleaseLine(file)], { encoding: 'utf8' })}\nmem_kb=2000000`, ['web'])).warnings.some((w) => /is not Debian 12 or Ubuntu/.test(w)), name).toBe(!report.supported);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells the login and how it becomes root, and what the plan does about it', () => {
    expect(parsePreflight(`login_user=root\nsudo=root\n${FRESH}`).login).toEqual({ user: 'root', sudo: 'root', sudoPassword: null });
    const viaSudo = parsePreflight(`login_user=admin\nsudo=nopasswd\n${FRESH}`);
    expect(viaSudo.login).toEqual({ user: 'admin', sudo: 'nopasswd', sudoPassword: null });
    expect(viaSudo.notes).toEqual([]);
    const asks = parsePreflight('login_user=admin\nsudo=password\nos_id=debian\nos_version=12\nmem_kb=1000');
    expect(asks.notes.join('\n')).toMatch(/read as admin without root \(sudo asks for a password\)/);
    expect(changes(input(`login_user=admin\nsudo=nopasswd\n${FRESH}`, ['ns'])).changes.join('\n')).toMatch(/runs as root through sudo \(admin logs in; sudo asks no password\)/);
    const byKey = changes(input(`login_user=admin\nsudo=password\n${FRESH}`, ['ns']));
    expect(byKey.warnings.join('\n')).toMatch(/admin is not root and sudo asks for a password Hostdeck does not have/);
    const byPassword = changes(input(`login_user=admin\nsudo=password\nsudo_password=accepted\n${FRESH}`, ['ns']));
    expect(byPassword.warnings.join('\n')).not.toMatch(/sudo/);
    expect(byPassword.changes.join('\n')).toMatch(/through sudo -S with admin's login password from the keychain/);
    expect(changes(input(`login_user=admin\nsudo=password\nsudo_password=refused\n${FRESH}`, ['ns'])).warnings.join('\n')).toMatch(/sudo did not take admin's login password that Hostdeck keeps/);
    expect(parsePreflight(`login_user=admin\nsudo=password\nsudo_password=accepted\n${FRESH}`)).toMatchObject({ login: { sudoPassword: 'accepted' }, notes: [] });
    expect(changes(input(`login_user=admin\nsudo=missing\n${FRESH}`, ['ns'])).warnings.join('\n')).toMatch(/sudo is not installed/);
    // The preflight's wrappers are valid sh and hand their body to sudo on stdin.
    execFileSync('sh', ['-n'], { input: PREFLIGHT_SCRIPT });
    execFileSync('sh', ['-n'], { input: preflightScript(true) });
    expect(PREFLIGHT_SCRIPT).toContain('body | sudo -n sh -s');
    expect(PREFLIGHT_SCRIPT).not.toContain('sudo -S');
  });
});

describe('prepare: running as root through sudo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hd-fake-sudo-'));
  const canary = path.join(dir, 'canary');
  const argvLog = path.join(dir, 'argv');
  // A stand-in for sudo on PATH (the slow test uses the real one): logs its arguments, wants
  // FAKE_PASSWORD as the first line of its stdin with -S (unless FAKE_NOPASSWD), then runs the command.
  writeFileSync(path.join(dir, 'sudo'), [
    '#!/bin/sh',
    'printf \'%s\\n\' "$*" >> "$ARGV_LOG"',
    'n=0',
    'while [ $# -gt 0 ]; do case "$1" in -n) n=1 ;; -S|-k) ;; -p) shift ;; *) break ;; esac; shift; done',
    'if [ -z "$FAKE_NOPASSWD" ]; then',
    '  if [ "$n" = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi',
    '  IFS= read -r pw || exit 1',
    '  [ "$pw" = "$FAKE_PASSWORD" ] || { echo "Sorry, try again." >&2; exit 1; }',
    'fi',
    'exec "$@"',
    '',
  ].join('\n'), { mode: 0o755 });
  // The password holds a command substitution: were it ever run by a shell, the canary would exist.
  const password = `${LOGIN_PASSWORD} $(touch ${canary})`;
  registerSecret('a login password with a command in it', password);
  const inner = 'echo "inner script ran"; echo "its stdin was: $(cat)"\n';
  const run = (login: Login, env: Record<string, string>) => {
    const r = asRoot(login, inner);
    const out = spawnSync('sh', ['-c', r.script], { input: r.stdin ?? '', encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ARGV_LOG: argvLog, ...env } });
    return { ...r, code: out.status, stdout: out.stdout, stderr: out.stderr };
  };

  it('runs the script as it is for root, and on sudo -n\'s stdin for a key login', () => {
    expect(asRoot({ user: 'root', password: null }, inner)).toEqual({ script: inner });
    const r = run({ user: 'admin', password: null }, { FAKE_NOPASSWD: '1' });
    expect(r.stdin).toBe(inner);
    expect(r.script).not.toContain('inner script');
    expect(r.stdout).toBe('inner script ran\nits stdin was: \n');
    expect(readFileSync(argvLog, 'utf8').trim().split('\n').pop()).toBe('-n sh -s');
    // sudo wants a password Hostdeck does not have: a clear error, nothing ran.
    const refused = run({ user: 'admin', password: null }, {});
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/sudo asks .* for a password, and Hostdeck has none to give it \(it logs in by key, or the login password is not kept\).*NOPASSWD: ALL.*nothing was changed/);
  });

  it('gives sudo -S the login password on stdin, never on a command line, never to the shell', () => {
    rmSync(argvLog, { force: true });
    const r = run({ user: 'admin', password }, { FAKE_PASSWORD: password });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('inner script ran\nits stdin was: \n');
    expect(r.stdin).toBe(`${password}\n${inner}`);
    expect(r.script).not.toContain(LOGIN_PASSWORD);
    expect(readFileSync(argvLog, 'utf8')).toBe("-n true\n-S -k -p  true\n-S -k -p  sh -s\n");
    // Where sudo asks for no password, the password line is dropped, not run.
    const nopasswd = run({ user: 'admin', password }, { FAKE_NOPASSWD: '1' });
    expect(nopasswd.stdout).toBe('inner script ran\nits stdin was: \n');
    // A wrong password: sudo reads nothing of the script, which does not run.
    const wrong = run({ user: 'admin', password }, { FAKE_PASSWORD: 'another' });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/sudo did not take \w+'s login password/);
    expect(existsSync(canary)).toBe(false);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(LOGIN_PASSWORD);
  });

  it('shows and runs every kind through sudo for a login that is not root', async () => {
    const noSecrets = () => Promise.reject(new Error('no task secrets'));
    for (const s of recipe(input(`login_user=admin\nsudo=nopasswd\n${FRESH}`, ['base', 'ns'], { serverId: SUDO_KEY }))) {
      const kind = taskKind(s.kind);
      const { commands } = describeTask(s.kind, parseParams(s.kind, s.params));
      expect(commands[0], s.kind).toMatch(/^# admin is not root/);
      expect(commands, s.kind).toContain('exec sudo -n sh -s');
      expect(await kind.script(s.params, noSecrets), s.kind).toContain('exec sudo -n sh -s');
      expect(await kind.stdin!(s.params, noSecrets), s.kind).toMatch(/^(if \[ "\$\(id -u\)" != 0 \]|sshd -T)/);
      execFileSync('sh', ['-n'], { input: commands.filter((l) => !l.startsWith('# then')).join('\n') });
    }
    const base = { serverId: SUDO_PASSWORD };
    expect(describeTask('prepare.base', base).commands.join('\n')).toContain('sudo -S -k -p');
    expect(describeTask('prepare.base', base).commands.join('\n')).not.toContain(LOGIN_PASSWORD);
    expect(await taskKind('prepare.base').stdin!(base, noSecrets)).toMatch(new RegExp(`^${LOGIN_PASSWORD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\nif \\[`));
    // Root logs in: the script is the kind's own, on no stdin.
    expect(await taskKind('prepare.base').stdin!({ serverId: SERVER }, noSecrets)).toBeUndefined();
    expect(describeTask('prepare.base', { serverId: SERVER }).commands[0]).toMatch(/^if \[ "\$\(id -u\)" != 0 \]/);
    rmSync(dir, { recursive: true, force: true });
  });
});
