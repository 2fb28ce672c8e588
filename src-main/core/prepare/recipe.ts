// The recipe: which tasks the chosen roles become, in order, with their parameters, and what they
// would change on the machine the preflight saw. Pure: the same report and roles give the same plan.
import type { HostingSettings } from '../../../shared/api/hosting';
import type { PreflightReport, PreparePlan, PrepareRole } from '../../../shared/api/prepare';
import type { NsSettings } from '../../../shared/dns';
import { DEFAULT_LOG_SETTINGS } from '../../../shared/api/hosting';
import { fill, msg, said, type Said } from '../../../shared/errors';
import type { FirewallParams } from './steps';

export const PASSIVE_PORTS: readonly [number, number] = [30000, 30099];

export type RecipeStep = { kind: string; params: Record<string, unknown> };

export type RecipeInput = {
  roles: PrepareRole[];
  report: PreflightReport;
  hosting: HostingSettings;
  ns: NsSettings;
  nsPeers: string[];
  /** Hostdeck logs in to the server by key (key, key with passphrase, agent): the SSH check can pass. */
  keyLogin: boolean;
  /** The port Hostdeck reaches sshd on (always let through the firewall). */
  sshPort: number;
  serverId: string;
};

const has = (r: PreflightReport, name: string): boolean => r.software.some((s) => s.name === name && s.version !== null);

/**
 * InnoDB's buffer pool: half the memory on a database-only machine, a quarter beside the web
 * server and PHP, in whole 128 MB chunks (InnoDB's unit), at least 128 MB.
 */
export function bufferPoolMb(memoryMb: number, roles: PrepareRole[]): number {
  const share = roles.includes('web') ? 0.25 : 0.5;
  return Math.max(128, Math.floor((memoryMb * share) / 128) * 128);
}

/** The roles whose ports the firewall lets in: those picked now and those the machine already has. */
function servedRoles(input: RecipeInput): Set<PrepareRole> {
  const r = input.report;
  const served = new Set(input.roles);
  if (has(r, 'nginx') || has(r, 'nginx-light') || has(r, 'nginx-full') || has(r, 'apache2')) served.add('web');
  if (has(r, 'pure-ftpd')) served.add('ftp');
  if (has(r, 'bind9')) served.add('ns');
  return served;
}

export function firewallPorts(input: RecipeInput): FirewallParams {
  const served = servedRoles(input);
  const tcp = new Set<number>([input.sshPort, ...input.report.sshPorts]);
  const udp = new Set<number>();
  if (served.has('web')) [80, 443].forEach((p) => tcp.add(p));
  if (served.has('ftp')) tcp.add(21);
  if (served.has('ns')) {
    tcp.add(53);
    udp.add(53);
  }
  const sort = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { serverId: input.serverId, tcp: sort(tcp), udp: sort(udp), tcpRanges: served.has('ftp') ? [[PASSIVE_PORTS[0], PASSIVE_PORTS[1]]] : [] };
}

export function recipe(input: RecipeInput): RecipeStep[] {
  const roles = new Set(input.roles);
  const { hosting, serverId } = input;
  const steps: RecipeStep[] = [];
  if (roles.has('base')) steps.push({ kind: 'prepare.base', params: { serverId } });
  if (roles.has('web')) {
    const w = hosting.web;
    steps.push({ kind: 'prepare.web', params: { serverId, suspendedDir: w.suspendedDir, tlsDir: w.tlsDir, logDir: (hosting.logs ?? DEFAULT_LOG_SETTINGS).dir, vhostDir: w.vhostDir, nginxConf: w.nginxConf } });
  }
  if (roles.has('db')) steps.push({ kind: 'prepare.db', params: { serverId, bufferPoolMb: bufferPoolMb(input.report.memoryMb, input.roles) } });
  if (roles.has('ftp')) steps.push({ kind: 'prepare.ftp', params: { serverId, passwdFile: hosting.ftp.passwdFile, dbFile: hosting.ftp.dbFile, passiveFrom: PASSIVE_PORTS[0], passiveTo: PASSIVE_PORTS[1] } });
  if (roles.has('ns')) steps.push({ kind: 'prepare.ns', params: { serverId, zonesConf: input.ns.zonesConf, namedConf: input.ns.namedConf, peers: input.nsPeers } });
  if (roles.has('base')) {
    steps.push({ kind: 'prepare.firewall', params: firewallPorts(input) });
    // Last: a failed key check stops the queue before password logins are turned off.
    steps.push({ kind: 'prepare.ssh-check', params: { serverId } });
    steps.push({ kind: 'prepare.ssh-harden', params: { serverId } });
  }
  return steps;
}

/** What the recipe would change, as the preflight saw the machine, and what it leaves alone: each line in English and as its template and values. */
export function changes(input: RecipeInput): Pick<PreparePlan, 'changes' | 'warnings' | 'changesSaid' | 'warningsSaid'> {
  const r = input.report;
  const roles = new Set(input.roles);
  const out: Said[] = [];
  const warnings: Said[] = [];
  const say = (to: Said[], key: string, params: Said['params'] = {}) => to.push(said(key, params));
  const install = (names: string[]) => {
    const missing = names.filter((n) => !has(r, n));
    if (missing.length) say(out, msg('install {{packages}}'), { packages: missing.join(', ') });
  };
  if (!r.supported) say(warnings, msg('{{os}} is not Debian 12 or Ubuntu 22.04/24.04: the recipe is written for those; packages may differ'), { os: r.os.pretty });
  const { user, sudo, sudoPassword } = r.login;
  if (sudo === 'nopasswd') say(out, msg("every task runs as root through sudo ({{user}} logs in; sudo asks no password), its script on sudo's stdin"), { user });
  if (sudo === 'password' && sudoPassword === 'accepted') say(out, msg("every task runs as root through sudo -S with {{user}}'s login password from the keychain (on sudo's stdin, never on a command line)"), { user });
  if (sudo === 'password' && sudoPassword === 'refused') say(warnings, msg("sudo did not take {{user}}'s login password that Hostdeck keeps (may {{user}} use sudo?): the first task will stop the queue. Let {{user}} use sudo, or log in as root."), { user });
  if (sudo === 'password' && sudoPassword === null) say(warnings, msg('{{user}} is not root and sudo asks for a password Hostdeck does not have (it logs in by key, or the password is not kept): the first task will stop the queue. Let {{user}} use sudo without a password (NOPASSWD in /etc/sudoers.d/), or log in as root.'), { user });
  if (sudo === 'missing') {
    if (user) say(warnings, msg('{{user}} is not root and sudo is not installed: the first task will stop the queue. Install sudo and let {{user}} use it, or log in as root.'), { user });
    else say(warnings, msg('This login is not root and sudo is not installed: the first task will stop the queue. Install sudo and let the login use it, or log in as root.'));
  }
  if (!r.systemd) say(out, msg('no systemd here: daemons are started through their init scripts (service); PHP reloads by signal (pid file)'));
  if (roles.has('base')) {
    install(['unattended-upgrades']);
    say(out, msg('security upgrades every day (/etc/apt/apt.conf.d/20auto-upgrades)'));
    if (r.systemd && !['chrony', 'systemd-timesyncd'].some((n) => has(r, n))) install(['chrony']);
    install(['nftables']);
    const fw = firewallPorts(input);
    const tcp = [...fw.tcp, ...fw.tcpRanges.map(([a, b]) => `${a}-${b}`)].join(', ');
    if (fw.udp.length) say(out, msg('firewall (nftables table inet hostdeck): in only TCP {{tcp}}, UDP {{udp}}'), { tcp, udp: fw.udp.join(', ') });
    else say(out, msg('firewall (nftables table inet hostdeck): in only TCP {{tcp}}'), { tcp });
    say(out, r.sshPasswordAuth ? msg('SSH: password logins turned off once a second key login has worked') : msg('SSH: password logins are off already'));
    if (!input.keyLogin) say(warnings, msg('Hostdeck logs in to this server by password: the SSH check will fail and stop the queue there, before password logins are turned off. Give the server a key login first.'));
  }
  if (roles.has('web')) {
    if (has(r, 'apache2') && r.ports.some((p) => p.port === 80 && p.process.startsWith('apache'))) {
      if (r.apacheSites.length) say(warnings, msg('Apache serves port 80 (sites: {{sites}}): the web task will refuse to install nginx over it; nothing of Apache is changed'), { sites: r.apacheSites.join(', ') });
      else say(warnings, msg('Apache serves port 80 (sites: none listed): the web task will refuse to install nginx over it; nothing of Apache is changed'));
    }
    if (!['nginx', 'nginx-light', 'nginx-full'].some((n) => has(r, n))) install(['nginx']);
    if (r.phpFpm.length === 0) install(['php-fpm', 'php-mysql']);
    install(['quota', 'cron', 'logrotate']);
    say(out, msg('folders {{suspended}}, {{tls}}, {{logs}}; nginx and php-fpm running'), { suspended: input.hosting.web.suspendedDir, tls: input.hosting.web.tlsDir, logs: (input.hosting.logs ?? DEFAULT_LOG_SETTINGS).dir });
  }
  if (roles.has('db')) {
    if (has(r, 'mysql-server')) say(warnings, msg('MySQL (mysql-server) is installed: it is adopted as it is, MariaDB is not installed'));
    else install(['mariadb-server']);
    say(out, msg('innodb_buffer_pool_size {{pool}}M (of {{memory}} MB memory), set live'), { pool: bufferPoolMb(r.memoryMb, input.roles), memory: r.memoryMb });
  }
  if (roles.has('ftp')) {
    install(['pure-ftpd']);
    say(out, msg('pure-ftpd: puredb logins ({{db}}), TLS, passive ports {{from}}-{{to}}, no anonymous, everyone chrooted'), { db: input.hosting.ftp.dbFile, from: PASSIVE_PORTS[0], to: PASSIVE_PORTS[1] });
  }
  if (roles.has('ns')) {
    install(['bind9']);
    if (input.nsPeers.length) say(out, msg('BIND: rndc key, {{zones}} included, transfers and notifies to {{peers}}'), { zones: input.ns.zonesConf, peers: input.nsPeers.join(', ') });
    else say(out, msg('BIND: rndc key, {{zones}} included, transfers and notifies to no other nameserver'), { zones: input.ns.zonesConf });
  }
  const english = (lines: Said[]) => lines.map((l) => fill(l.key, l.params));
  return { changes: english(out), warnings: english(warnings), changesSaid: out, warningsSaid: warnings };
}
