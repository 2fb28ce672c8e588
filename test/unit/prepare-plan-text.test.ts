// Prepare server's plan lines, warnings and preflight notes reach the UI as templates and values:
// worded by the renderer, they read in English exactly as the core's own lines, and every one of
// them has Russian words.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FTP_SETTINGS, DEFAULT_WEB_SETTINGS } from '../../shared/api/hosting';
import type { PrepareRole } from '../../shared/api/prepare';
import { DEFAULT_NS_SETTINGS } from '../../shared/dns';
import { parsePreflight } from '../../src-main/core/prepare/preflight';
import { changes, type RecipeInput } from '../../src-main/core/prepare/recipe';
import { i18n } from '../../src-renderer/i18n';
import { saidText } from '../../src-renderer/i18n/core-text';

const DEBIAN = ['os_id=debian', 'os_version=12', 'os_pretty=Debian GNU/Linux 12 (bookworm)', 'systemd=0', 'mem_kb=4046000', 'disk_free_kb=20971520', 'pkg=nginx\t', 'ssh_port=22', 'ssh_password=yes'];
const APACHE = ['os_id=centos', 'os_version=9', 'os_pretty=CentOS Stream 9', 'systemd=1', 'pkg=apache2\t2.4', 'pkg=mysql-server\t8.0', 'pkg=chrony\t4', 'port=tcp\t*:80\tusers:(("apache2",pid=9,fd=4))', 'ssh_password=no'];

const plan = (lines: string[], roles: PrepareRole[], extra: Partial<RecipeInput> = {}) =>
  changes({
    roles,
    report: parsePreflight(lines.join('\n')),
    hosting: { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: { socket: null, defaultsFile: null } },
    ns: DEFAULT_NS_SETTINGS,
    nsPeers: [],
    keyLogin: true,
    sshPort: 22,
    serverId: '6f1c3c1e-8f7a-4c65-9a55-0d2a3f1b2c3d',
    ...extra,
  });

const ALL: PrepareRole[] = ['base', 'web', 'db', 'ftp', 'ns'];
const PLANS = [
  plan(['login_user=root', 'sudo=root', ...DEBIAN], ALL),
  plan(['login_user=admin', 'sudo=nopasswd', ...DEBIAN], ALL, { nsPeers: ['203.0.113.5', '203.0.113.6'] }),
  plan(['login_user=admin', 'sudo=password', 'sudo_password=accepted', ...APACHE], ALL, { keyLogin: false }),
  plan(['login_user=admin', 'sudo=password', 'sudo_password=refused', ...APACHE, 'apache_site=shop.conf'], ['web']),
  plan(['login_user=admin', 'sudo=password', ...DEBIAN], ['db']),
  plan(['login_user=admin', 'sudo=missing', ...DEBIAN], ['ftp']),
  plan(['sudo=missing', ...DEBIAN], ['ns']),
];
const REPORTS = [
  parsePreflight(['login_user=admin', 'sudo=missing', 'os_id=debian'].join('\n')),
  parsePreflight(['login_user=admin', 'sudo=password', 'sudo_password=refused', 'mem_kb=1'].join('\n')),
  parsePreflight(['login_user=admin', 'sudo=password', 'mem_kb=1'].join('\n')),
];

describe("Prepare server's plan in the UI's language", () => {
  const lines = PLANS.flatMap((p) => [...p.changesSaid.map((s, i) => [s, p.changes[i]] as const), ...p.warningsSaid.map((s, i) => [s, p.warnings[i]] as const)]);
  const notes = REPORTS.flatMap((r) => r.notesSaid.map((s, i) => [s, r.notes[i]] as const));

  it('reads in English as the core wrote each line', () => {
    expect(new Set(lines.map(([s]) => s.key)).size).toBeGreaterThanOrEqual(20);
    expect(notes.length).toBe(4);
    for (const [said, english] of [...lines, ...notes]) expect(saidText(said)).toBe(english);
    expect(PLANS[1]!.changes).toContain('BIND: rndc key, /etc/bind/named.conf.hostdeck included, transfers and notifies to 203.0.113.5, 203.0.113.6');
  });

  it('reads in Russian, names and numbers kept', async () => {
    await i18n.changeLanguage('ru');
    try {
      for (const [said, english] of [...lines, ...notes]) {
        const shown = saidText(said);
        expect(shown, english).not.toBe(english);
        expect(shown).not.toMatch(/\{\{/);
        for (const value of Object.values(said.params)) expect(shown).toContain(String(value));
      }
      expect(saidText(PLANS[0]!.changesSaid[0]!)).toBe('здесь нет systemd: службы запускаются своими init-скриптами (service); PHP перезагружается сигналом (pid-файл)');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
