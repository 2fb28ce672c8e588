// The preparation tasks' scripts, one builder per task kind (after the helpers of shell.ts).
// Every value is validated by the kind's schema and again here (assertSafe) before it is put in
// a script, and reaches the shell only through shQuote or as digits.
import { z } from 'zod';
import { FtpPath } from '../../../shared/api/hosting';
import { NsPeer } from '../../../shared/api/prepare';
import { ServerId } from '../../../shared/domain';
import { assertSafe } from '../hosting/quote';
import { shQuote } from '../ssh/sh-quote';
import { putFile } from './shell';

const Port = z.number().int().min(1).max(65535);

// Every kind names its server: the tasks run as root, through sudo where the server's login is another user (tasks.ts).
const Server = { serverId: ServerId };

export const WebParams = z.object({ ...Server, suspendedDir: FtpPath, tlsDir: FtpPath, logDir: FtpPath, vhostDir: FtpPath, nginxConf: FtpPath }).strict();
export const DbParams = z.object({ ...Server, bufferPoolMb: z.number().int().min(128).max(1_048_576).multipleOf(128) }).strict();
export const FtpParams = z.object({ ...Server, passwdFile: FtpPath, dbFile: FtpPath, passiveFrom: Port, passiveTo: Port }).strict().refine((p) => p.passiveFrom <= p.passiveTo, 'The passive range must go up');
export const NsParams = z.object({ ...Server, zonesConf: FtpPath, namedConf: FtpPath, peers: z.array(NsPeer).max(20) }).strict();
export const FirewallParams = z.object({ ...Server, tcp: z.array(Port).min(1).max(64), udp: z.array(Port).max(64), tcpRanges: z.array(z.tuple([Port, Port])).max(8) }).strict();
export const BaseParams = z.object(Server).strict();
export type WebParams = z.infer<typeof WebParams>;
export type DbParams = z.infer<typeof DbParams>;
export type FtpParams = z.infer<typeof FtpParams>;
export type NsParams = z.infer<typeof NsParams>;
export type FirewallParams = z.infer<typeof FirewallParams>;

const digits = (n: number): string => String(assertSafe(Port, n, 'port'));

/** Unattended security upgrades (Debian's default origins: security only) and the clock. */
export function baseLines(): string[] {
  return [
    'need unattended-upgrades || exit $?',
    ...putFile('/etc/apt/apt.conf.d/20auto-upgrades', '0644', 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'),
    'apt-config dump | grep -q \'^APT::Periodic::Unattended-Upgrade "1";\' || { echo "apt does not see the unattended-upgrade setting" >&2; exit 1; }',
    // Without systemd apt's timers never fire: cron's daily apt-compat job runs the upgrades.
    'if ! has_systemd; then need cron || exit $?; ensure_running cron || exit $?; fi',
    // Without systemd (a container or chroot) the clock is the host's: a time daemon here could not set it.
    'if ! has_systemd; then echo "in place: time: no systemd here (a container or chroot): the clock is the host\'s to keep";',
    'elif installed chrony || installed systemd-timesyncd || installed ntpsec || installed ntp; then echo "in place: time sync ($(for p in chrony systemd-timesyncd ntpsec ntp; do installed $p && printf %s $p; done))";',
    'else need chrony || exit $?; fi',
    'if installed chrony && has_systemd; then ensure_running chrony || exit $?; fi',
  ];
}

export function webLines(raw: WebParams): string[] {
  const p = assertSafe(WebParams, raw, 'web');
  return [
    `suspended_dir=${shQuote(p.suspendedDir)}; tls_dir=${shQuote(p.tlsDir)}; log_dir=${shQuote(p.logDir)}; vhost_dir=${shQuote(p.vhostDir)}; nginx_conf=${shQuote(p.nginxConf)}`,
    // A server whose port 80 is Apache's keeps it: its sites are reported and nothing is installed over them.
    'if ! command -v nginx >/dev/null 2>&1 && ss -Hltnp 2>/dev/null | awk \'$4 ~ /:80$/\' | grep -q apache2; then',
    '  sites=$(ls /etc/apache2/sites-enabled 2>/dev/null | tr "\\n" " ")',
    '  echo "refused: Apache serves port 80 here (sites: ${sites:-none listed}); nginx was not installed and nothing was changed. Move those sites to nginx (or stop Apache), then retry." >&2; exit 3',
    'fi',
    'if command -v nginx >/dev/null 2>&1; then echo "in place: nginx $(nginx -v 2>&1 | sed \'s/.*nginx\\///\')"; else need nginx || exit $?; fi',
    'if ls /usr/sbin/php-fpm* >/dev/null 2>&1; then echo "in place: php-fpm $(ls /usr/sbin/php-fpm* | sed \'s|/usr/sbin/php-fpm||\' | tr "\\n" " ")"; else need php-fpm php-mysql || exit $?; fi',
    'need quota cron logrotate || exit $?',
    'for d in "$suspended_dir" "$tls_dir" "$log_dir"; do if [ -d "$d" ]; then echo "in place: $d"; else mkdir -p -m 0755 "$d" || exit $?; mark "$d made"; fi; done',
    'if grep -Eqs "^[[:space:]]*include[[:space:]]+$vhost_dir/" "$nginx_conf"; then echo "in place: $nginx_conf includes $vhost_dir"; else echo "note: $nginx_conf does not include $vhost_dir/ (the sites\' server blocks go there); left alone: set the web settings to the folder it includes" >&2; fi',
    'nginx -t -q -c "$nginx_conf" || { echo "nginx -t failed; nothing started" >&2; exit 4; }',
    'ensure_running nginx || exit $?',
    'fpm=$(ls /usr/sbin/php-fpm* | sed \'s|/usr/sbin/php-fpm||\' | sort -V | tail -n 1)',
    'ensure_running "php$fpm-fpm" || exit $?',
    'ensure_running cron || exit $?',
  ];
}

export function dbLines(raw: DbParams): string[] {
  const p = assertSafe(DbParams, raw, 'db');
  return [
    `pool_mb=${p.bufferPoolMb}`,
    // An Oracle MySQL already serving is adopted as it is.
    'if installed mysql-server; then echo "in place: mysql-server (adopted; MariaDB not installed)"; else need mariadb-server || exit $?; fi',
    'svc_name=mariadb; if installed mysql-server; then svc_name=mysql; fi',
    'conf_dir=/etc/mysql/mariadb.conf.d; [ -d "$conf_dir" ] || conf_dir=/etc/mysql/conf.d',
    ...putFile({ word: '"$conf_dir/60-hostdeck.cnf"' }, '0644', `# Hostdeck: the InnoDB buffer pool for this machine's memory\n[mysqld]\ninnodb_buffer_pool_size = ${p.bufferPoolMb}M\n`),
    'ensure_running "$svc_name" || exit $?',
    'for i in $(seq 1 50); do mysql -N -B -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done',
    'if ! out=$(mysql -N -B -e "SELECT 1" 2>&1); then echo "root cannot log in to the database server through its unix socket as this SSH user ($out); Hostdeck\'s database tasks need that (or a defaults file in the MySQL settings)" >&2; exit 5; fi',
    'echo "in place: root logs in through the unix socket"',
    'want=$((pool_mb * 1024 * 1024))',
    'if [ "$(mysql -N -B -e "SELECT @@innodb_buffer_pool_size")" = "$want" ]; then echo "in place: innodb_buffer_pool_size ${pool_mb}M";',
    // Resized live (MariaDB 10.2+ and MySQL 5.7+ do it online, in chunks): no restart.
    'else mysql -e "SET GLOBAL innodb_buffer_pool_size = $want" || exit $?; for i in $(seq 1 100); do [ "$(mysql -N -B -e "SELECT @@innodb_buffer_pool_size")" = "$want" ] && break; sleep 0.2; done; [ "$(mysql -N -B -e "SELECT @@innodb_buffer_pool_size")" = "$want" ] || { echo "the buffer pool did not reach ${pool_mb}M" >&2; exit 6; }; mark "innodb_buffer_pool_size ${pool_mb}M"; fi',
  ];
}

export function ftpLines(raw: FtpParams): string[] {
  const p = assertSafe(FtpParams, raw, 'ftp');
  const conf = (name: string, value: string) => [...putFile(`/etc/pure-ftpd/conf/${name}`, '0644', `${value}\n`), 'if [ "$wrote" = 1 ]; then restart=1; fi'];
  return [
    `passwd_file=${shQuote(p.passwdFile)}; db_file=${shQuote(p.dbFile)}; restart=0`,
    'need pure-ftpd openssl || exit $?',
    ...conf('PureDB', p.dbFile),
    ...conf('PassivePortRange', `${digits(p.passiveFrom)} ${digits(p.passiveTo)}`),
    ...conf('TLS', '1'),
    ...conf('NoAnonymous', 'yes'),
    ...conf('ChrootEveryone', 'yes'),
    'if [ "$(readlink /etc/pure-ftpd/auth/50puredb)" = ../conf/PureDB ]; then echo "in place: puredb logins"; else ln -sfn ../conf/PureDB /etc/pure-ftpd/auth/50puredb || exit $?; restart=1; mark "puredb logins (auth/50puredb)"; fi',
    'pem=/etc/ssl/private/pure-ftpd.pem',
    'if [ -s "$pem" ]; then echo "in place: TLS certificate $pem"; else',
    '  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$(hostname -f 2>/dev/null || hostname)" -keyout "$pem" -out "$pem" >/dev/null 2>&1 || { echo "openssl could not make $pem" >&2; exit 7; }',
    '  chmod 0600 "$pem"; restart=1; mark "self-signed TLS certificate $pem (replace it with the host\'s own)"',
    'fi',
    'if [ -e "$passwd_file" ]; then echo "in place: $passwd_file"; else (umask 077; : > "$passwd_file") || exit $?; mark "$passwd_file (no logins yet)"; fi',
    'if [ -e "$db_file" ]; then echo "in place: $db_file"; else pure-pw mkdb "$db_file" -f "$passwd_file" || exit $?; mark "$db_file"; fi',
    'if [ "$restart" = 1 ] && svc_running pure-ftpd; then svc restart pure-ftpd || { echo "pure-ftpd did not restart" >&2; exit 8; }; mark "pure-ftpd restarted with the new settings"; fi',
    'ensure_running pure-ftpd || exit $?',
    'for i in $(seq 1 50); do ss -Hltn "sport = :21" | grep -q . && break; sleep 0.1; done',
    'ss -Hltn "sport = :21" | grep -q . || { echo "nothing listens on port 21" >&2; exit 9; }',
  ];
}

/** named.conf.options as Hostdeck writes it: Debian's, not a resolver for others, transfers and notifies to the team's nameservers. */
export function namedOptions(peers: string[]): string {
  const list = peers.length ? `${peers.join('; ')};` : 'none;';
  return [
    '// Hostdeck: written by "Prepare server" (Debian\'s options, plus transfers and notifies to the team\'s nameservers)',
    'options {',
    '\tdirectory "/var/cache/bind";',
    '\tdnssec-validation auto;',
    '\tlisten-on-v6 { any; };',
    '\tallow-recursion { localhost; };',
    `\tallow-transfer { ${list} };`,
    ...(peers.length ? [`\talso-notify { ${list} };`] : []),
    '};',
    '',
  ].join('\n');
}

export function nsLines(raw: NsParams): string[] {
  const p = assertSafe(NsParams, raw, 'ns');
  const opts = '/etc/bind/named.conf.options';
  return [
    `zones_conf=${shQuote(p.zonesConf)}; named_conf=${shQuote(p.namedConf)}; opts=${opts}; reconfig=0`,
    'need bind9 bind9-utils bind9-dnsutils || exit $?',
    'if [ -s /etc/bind/rndc.key ]; then echo "in place: rndc key"; else rndc-confgen -a >/dev/null 2>&1 || exit $?; mark "rndc key /etc/bind/rndc.key"; fi',
    'if [ -e "$zones_conf" ]; then echo "in place: $zones_conf"; else : > "$zones_conf" && chgrp bind "$zones_conf" && chmod 0644 "$zones_conf" || exit $?; mark "$zones_conf (no zones yet)"; fi',
    'inc="include \\"$zones_conf\\";"',
    'if grep -qsF "$inc" "$named_conf" /etc/bind/named.conf.local; then echo "in place: named includes $zones_conf"; else',
    '  target=/etc/bind/named.conf.local; [ -f "$target" ] || target=$named_conf',
    '  printf \'%s\\n\' "$inc" >> "$target" || exit $?; reconfig=1; mark "$target includes $zones_conf"',
    'fi',
    // The options file is Hostdeck's to write only while it is Debian's own or Hostdeck's: an admin's is left alone.
    'stock=$(dpkg-query -W -f=\'${Conffiles}\\n\' bind9 | awk -v f="$opts" \'$1 == f {print $2}\')',
    'if head -n 1 "$opts" 2>/dev/null | grep -q \'^// Hostdeck:\' || [ "$(md5sum < "$opts" | cut -d" " -f1)" = "$stock" ]; then',
    '  cp -p "$opts" "$opts.hd-bak" || exit $?',
    ...putFile(opts, '0644', namedOptions(p.peers)),
    '  if [ "$wrote" = 1 ]; then reconfig=1; fi',
    'else echo "note: $opts has local changes: left alone (allow-transfer and also-notify for the other nameservers are up to you)" >&2; fi',
    'if ! out=$(named-checkconf "$named_conf" 2>&1); then [ -f "$opts.hd-bak" ] && mv -f "$opts.hd-bak" "$opts"; echo "named-checkconf failed; the options are back as they were: $out" >&2; exit 4; fi',
    'rm -f "$opts.hd-bak"',
    'if [ "$reconfig" = 1 ] && svc_running named; then rndc reconfig >/dev/null || exit $?; mark "named reloaded its configuration"; fi',
    'ensure_running named || exit $?',
    'for i in $(seq 1 50); do rndc status >/dev/null 2>&1 && break; sleep 0.2; done',
    'rndc status >/dev/null || { echo "rndc cannot reach named" >&2; exit 5; }',
    'echo "in place: rndc talks to named"',
  ];
}

const FIREWALL_FILE = '/etc/hostdeck/firewall.nft';

/** Hostdeck's own nftables table: only these ports in, everything this machine started answered. */
export function firewallRules(raw: FirewallParams): string {
  const p = assertSafe(FirewallParams, raw, 'firewall');
  const set = (ports: number[]) => (ports.length === 1 ? digits(ports[0]!) : `{ ${ports.map(digits).join(', ')} }`);
  return [
    '# Hostdeck: written by "Prepare server"; the ports of this server\'s roles',
    'table inet hostdeck',
    'delete table inet hostdeck',
    'table inet hostdeck {',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tiif "lo" accept',
    '\t\tct state established,related accept',
    '\t\tct state invalid drop',
    '\t\tmeta l4proto { icmp, ipv6-icmp } accept',
    `\t\ttcp dport ${set(p.tcp)} accept`,
    ...(p.udp.length ? [`\t\tudp dport ${set(p.udp)} accept`] : []),
    ...p.tcpRanges.map(([a, b]) => `\t\ttcp dport ${digits(a)}-${digits(b)} accept`),
    '\t}',
    '}',
    '',
  ].join('\n');
}

export function firewallLines(raw: FirewallParams): string[] {
  return [
    `rules=${FIREWALL_FILE}`,
    'need nftables || exit $?',
    'mkdir -p /etc/hostdeck || exit $?',
    ...putFile(FIREWALL_FILE, '0644', firewallRules(raw)),
    'nft -c -f "$rules" || { echo "nft refused the rules; nothing applied" >&2; exit 4; }',
    'if [ "$wrote" = 1 ] || ! nft list table inet hostdeck >/dev/null 2>&1; then nft -f "$rules" || exit $?; mark "firewall rules loaded"; else echo "in place: firewall rules loaded"; fi',
    'inc="include \\"$rules\\""',
    'if grep -qsxF "$inc" /etc/nftables.conf; then echo "in place: /etc/nftables.conf loads them at boot"; else printf \'%s\\n\' "$inc" >> /etc/nftables.conf || exit $?; mark "/etc/nftables.conf loads them at boot"; fi',
    'if has_systemd; then if systemctl is-enabled -q nftables; then echo "in place: nftables starts at boot"; else systemctl enable -q nftables || exit $?; mark "nftables starts at boot"; fi; else echo "note: no systemd: the rules are loaded now; this machine\'s init must load /etc/nftables.conf at boot"; fi',
  ];
}

const SSHD_DROP_IN = '/etc/ssh/sshd_config.d/01-hostdeck.conf';

/** Read-only: what sshd allows now (the key login itself is checked from this workstation). */
export function sshCheckLines(): string[] {
  return ['sshd -T 2>/dev/null | awk \'$1 == "passwordauthentication" || $1 == "permitrootlogin" || $1 == "pubkeyauthentication" {print "in place: sshd " $1 " " $2}\''];
}

/** Key logins only (first match wins in sshd_config.d, hence 01-). Put back if sshd -t refuses it. */
export function sshHardenLines(): string[] {
  return [
    `drop_in=${SSHD_DROP_IN}`,
    'grep -Eqi "^[[:space:]]*include[[:space:]]+/etc/ssh/sshd_config.d/" /etc/ssh/sshd_config || { echo "sshd_config does not include sshd_config.d: left alone" >&2; exit 3; }',
    'if [ -f "$drop_in" ]; then cp -p "$drop_in" "$drop_in.hd-bak"; fi',
    ...putFile(SSHD_DROP_IN, '0644', '# Hostdeck: key logins only (a second key login was checked first)\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n'),
    'if ! out=$(sshd -t 2>&1); then if [ -f "$drop_in.hd-bak" ]; then mv -f "$drop_in.hd-bak" "$drop_in"; else rm -f "$drop_in"; fi; echo "sshd -t refused the change; put back: $out" >&2; exit 4; fi',
    'rm -f "$drop_in.hd-bak"',
    'if [ "$wrote" = 1 ]; then if has_systemd; then systemctl reload ssh || exit $?; elif [ -s /run/sshd.pid ]; then kill -HUP "$(cat /run/sshd.pid)" || exit $?; else service ssh reload >/dev/null || exit $?; fi; mark "sshd reloaded: key logins only"; fi',
    'sshd -T 2>/dev/null | grep -qx "passwordauthentication no" || { echo "sshd still allows passwords" >&2; exit 5; }',
  ];
}
