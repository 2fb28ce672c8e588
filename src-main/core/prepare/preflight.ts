// The preflight of "Prepare server": one read-only command over the server's connection that
// tells the OS, systemd or not, memory, free disk, the packages that matter to the recipe, the
// php-fpm versions, listening ports, Apache's sites and how sshd takes logins. Changes nothing.
import { PreflightReport, SudoState, type InstalledSoftware, type ListeningPort } from '../../../shared/api/prepare';
import { AppError, fill, msg, said, type Said } from '../../../shared/errors';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';

/** The packages the preflight reports (those of the recipe, and those it must not break). */
export const REPORTED_PACKAGES = [
  'nginx', 'nginx-light', 'nginx-full', 'apache2', 'php-fpm', 'mariadb-server', 'mysql-server', 'pure-ftpd', 'bind9',
  'restic', 'nftables', 'unattended-upgrades', 'chrony', 'systemd-timesyncd', 'quota', 'cron', 'logrotate',
] as const;

/** The OS as /etc/os-release tells it (sourced: its values may be quoted). */
export function osReleaseLine(file = '/etc/os-release'): string {
  return `. ${file} 2>/dev/null; printf 'os_id=%s\\nos_version=%s\\nos_pretty=%s\\n' "$ID" "$VERSION_ID" "$PRETTY_NAME"`;
}

/** What the preflight reads; as root where the login can become root without a password. */
const BODY = [
  osReleaseLine(),
  'if [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi',
  "awk '/^MemTotal:/ {print \"mem_kb=\" $2}' /proc/meminfo",
  "df -Pk / | awk 'NR == 2 {print \"disk_free_kb=\" $4}'",
  `for p in ${REPORTED_PACKAGES.join(' ')}; do printf 'pkg=%s\\t%s\\n' "$p" "$(dpkg-query -W -f='\${Status}\\t\${Version}' "$p" 2>/dev/null | awk -F'\\t' '$1 == "install ok installed" {print $2}')"; done`,
  'for f in /usr/sbin/php-fpm*; do [ -x "$f" ] && echo "phpfpm=${f#/usr/sbin/php-fpm}"; done',
  "ss -Hltunp 2>/dev/null | awk '{print \"port=\" $1 \"\\t\" $5 \"\\t\" $7}'",
  'if [ -d /etc/apache2/sites-enabled ]; then for f in /etc/apache2/sites-enabled/*; do [ -e "$f" ] && echo "apache_site=${f##*/}"; done; fi',
  "sshd -T 2>/dev/null | awk '$1 == \"port\" {print \"ssh_port=\" $2} $1 == \"passwordauthentication\" {print \"ssh_password=\" $2}'",
  'true',
];

/**
 * Who the login is and whether it becomes root, then the body: through `sudo -n sh -s` where sudo
 * asks no password; with `withPassword`, the login password is the first line of stdin and, where
 * sudo asks for it and takes it, the body runs through `sudo -S` (password first on its stdin);
 * otherwise as the login (then sshd's settings and the listening processes' names stay unread).
 * The body and the password travel on stdin, never on a command line.
 */
export function preflightScript(withPassword: boolean): string {
  return [
    "printf 'login_user=%s\\n' \"$(id -un)\"",
    ...(withPassword ? ['IFS= read -r hd_pw'] : []),
    "body() { cat <<'HOSTDECK_PREFLIGHT'",
    ...BODY,
    'HOSTDECK_PREFLIGHT',
    '}',
    'if [ "$(id -u)" = 0 ]; then echo sudo=root; body | sh -s',
    'elif ! command -v sudo >/dev/null 2>&1; then echo sudo=missing; body | sh -s',
    'elif sudo -n true 2>/dev/null; then echo sudo=nopasswd; body | sudo -n sh -s',
    ...(withPassword
      ? ["elif printf '%s\\n' \"$hd_pw\" | sudo -S -k -p '' true 2>/dev/null; then echo sudo=password; echo sudo_password=accepted; { printf '%s\\n' \"$hd_pw\"; body; } | sudo -S -k -p '' sh -s"]
      : []),
    `else echo sudo=password;${withPassword ? ' echo sudo_password=refused;' : ''} body | sh -s; fi`,
  ].join('\n');
}

/** The preflight of a login Hostdeck has no password of (and the bench's, over ssh with the script on stdin). */
export const PREFLIGHT_SCRIPT = preflightScript(false);

export function parsePreflight(stdout: string): PreflightReport {
  const one = new Map<string, string>();
  const many = (key: string) => lines.filter(([k]) => k === key).map(([, v]) => v);
  const lines = stdout
    .split('\n')
    .map((l) => {
      const i = l.indexOf('=');
      return i > 0 ? ([l.slice(0, i), l.slice(i + 1)] as const) : null;
    })
    .filter((x): x is readonly [string, string] => x !== null);
  for (const [k, v] of lines) if (!one.has(k)) one.set(k, v);
  const notes: Said[] = [];
  const software: InstalledSoftware[] = many('pkg').map((v) => {
    const [name = '', version = ''] = v.split('\t');
    return { name, version: version || null };
  });
  const ports: ListeningPort[] = [];
  for (const v of many('port')) {
    const [proto = '', local = '', proc = ''] = v.split('\t');
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if ((proto !== 'tcp' && proto !== 'udp') || !Number.isInteger(port)) continue;
    const process = /\(\("([^"]+)"/.exec(proc)?.[1] ?? '';
    const address = local.slice(0, local.lastIndexOf(':'));
    if (!ports.some((p) => p.proto === proto && p.port === port && p.address === address)) ports.push({ proto, address, port, process });
  }
  ports.sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
  const id = one.get('os_id') ?? '';
  const version = one.get('os_version') ?? '';
  const sshPorts = many('ssh_port').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  if (!one.has('mem_kb')) notes.push(said(msg('the memory could not be read')));
  const user = one.get('login_user') ?? '';
  const sudo = SudoState.safeParse(one.get('sudo')).data ?? 'missing';
  const tried = one.get('sudo_password');
  const sudoPassword = tried === 'accepted' || tried === 'refused' ? tried : null;
  if ((sudo === 'password' && sudoPassword !== 'accepted') || sudo === 'missing') {
    const key =
      sudo === 'missing'
        ? msg("read as {{user}} without root (no sudo): sshd's settings and the names of the listening processes could not be read")
        : sudoPassword === 'refused'
          ? msg("read as {{user}} without root (sudo did not take the login password): sshd's settings and the names of the listening processes could not be read")
          : msg("read as {{user}} without root (sudo asks for a password): sshd's settings and the names of the listening processes could not be read");
    notes.push(said(key, { user: user || 'this login' }));
  }
  return PreflightReport.parse({
    os: { id, version, pretty: one.get('os_pretty') || `${id} ${version}`.trim() || 'unknown' },
    login: { user, sudo, sudoPassword },
    supported: (id === 'debian' && version === '12') || (id === 'ubuntu' && ['22.04', '24.04'].includes(version)),
    systemd: one.get('systemd') === '1',
    memoryMb: Math.floor(Number(one.get('mem_kb') ?? 0) / 1024),
    diskFreeMb: Math.floor(Number(one.get('disk_free_kb') ?? 0) / 1024),
    software,
    phpFpm: many('phpfpm').filter((v) => /^\d+\.\d+$/.test(v)),
    ports,
    apacheSites: many('apache_site'),
    sshPorts,
    sshPasswordAuth: one.get('ssh_password') !== 'no',
    notes: notes.map((n) => fill(n.key, n.params)),
    notesSaid: notes,
  });
}

/** `password`: the login password Hostdeck keeps (password logins), tried with sudo -S where sudo asks for one. */
export async function preflight(connections: ConnectionManager, serverId: string, password: string | null): Promise<PreflightReport> {
  const lease = await connections.acquire(serverId, { interactive: false });
  try {
    const result = await exec(await lease.ready(), preflightScript(password !== null), 30_000, password === null ? undefined : `${password}\n`);
    if (result.code !== 0) throw new AppError('ssh', msg('The preflight could not read the server.'), { details: result.stderr.slice(-2000) });
    return parsePreflight(result.stdout);
  } finally {
    lease.release();
  }
}
