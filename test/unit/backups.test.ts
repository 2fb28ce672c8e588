// Backups, the pure parts: the contract's paths and names (hostile values refused), the schedule
// (when a backup is due), the age warning of fleet health, and the scripts (the password never in
// them; every value single-quoted), run through a real sh where it matters.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { backupsApi, HomePath, maxAgeHours, RepoPath, SnapshotId } from '../../shared/api/backups';
import { isDue, stampOf, staleBackup } from '../../src-main/core/backups/service';
import { backupLines, checkLines, resticHead, restoreDbLines, restoreFilesLines, sftpAccountLines, sftpClientLines } from '../../src-main/core/backups/tasks';

const repo = { repoPath: '/var/backups/hostdeck/main', repoRef: 'backup-repo:0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e' };

describe('backup contract', () => {
  it('takes paths inside the home and refuses the rest', () => {
    for (const ok of ['', 'public_html', 'public_html/index.php', 'a b/c d.txt', '.htaccess', '.config/x', '..hidden', 'x/.well-known/y', 'n@m+e,=~']) expect(HomePath.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['..', '.', '../x', 'a/../b', 'a/./b', '/etc', 'a//b', 'a/', '-rf', 'a\nb', 'a\u0000b', 'a\rb', 'a\tb', '$(id)', '`id`', 'a;b', 'a|b', 'a&b', 'a*', 'a?', '[a]', "a'b", 'a"b', 'a\\b', 'a>b', 'a<b', '{a,b}', 'a$b', 'x'.repeat(1025), `${'y'.repeat(256)}`, 'a/\u0085', 'ａ/..']) {
      expect(HomePath.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('takes absolute repository folders without . or .. and snapshot ids of hex digits', () => {
    for (const ok of ['/var/backups/hostdeck/main', '/srv/b-1/x_y.z']) expect(RepoPath.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['relative', '/', '/var/../etc', '/var/./x', '/a b', '/a;b', '/a$(id)', '/a\nb', `/${'x'.repeat(210)}`, '/-x', 'sftp:host:/x']) expect(RepoPath.safeParse(bad).success, bad).toBe(false);
    expect(SnapshotId.safeParse('ae4a7ef1').success).toBe(true);
    for (const bad of ['latest', 'ae4a7ef', 'AE4A7EF1', 'ae4a7ef1;id', '-ae4a7ef1', 'g'.repeat(8)]) expect(SnapshotId.safeParse(bad).success, bad).toBe(false);
  });

  it('confirms destructive restores through their inputs and keeps runs to their shape', () => {
    const run = backupsApi['backups.restoreSite'].input;
    expect(run.safeParse({ serverId: '0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e', site: 'shop', run: '20261206T220256Z', confirm: 'shop' }).success).toBe(true);
    expect(run.safeParse({ serverId: '0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e', site: 'shop', run: '$(id)', confirm: 'shop' }).success).toBe(false);
    expect(run.safeParse({ serverId: '0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e', site: 'shop', run: '20261206T220256Z' }).success).toBe(false);
  });
});

describe('backup schedule', () => {
  const at = (s: string) => new Date(s);
  it('is due daily once the time has passed with no backup since', () => {
    const daily = { kind: 'daily', at: '03:00' } as const;
    const now = at('2026-12-06T10:00:00');
    expect(isDue(daily, 0, now)).toBe(true);
    expect(isDue(daily, at('2026-12-06T03:00:05').getTime(), now)).toBe(false);
    expect(isDue(daily, at('2026-12-05T03:00:05').getTime(), now)).toBe(true);
    expect(isDue(daily, at('2026-12-05T03:00:05').getTime(), at('2026-12-06T02:59:00'))).toBe(false);
  });
  it('is due every N hours after the last and never when off', () => {
    const every = { kind: 'every', hours: 6 } as const;
    const last = at('2026-12-06T04:00:00').getTime();
    expect(isDue(every, last, at('2026-12-06T09:59:00'))).toBe(false);
    expect(isDue(every, last, at('2026-12-06T10:00:00'))).toBe(true);
    expect(isDue({ kind: 'off' }, 0, at('2026-12-06T10:00:00'))).toBe(false);
  });
  it('warns in fleet health when the last successful backup is older than the schedule allows', () => {
    const now = at('2026-12-06T10:00:00Z');
    expect(maxAgeHours({ kind: 'daily', at: '03:00' })).toBe(25);
    expect(staleBackup('shop', { kind: 'daily', at: '03:00' }, '2026-12-05T10:00:00Z', null, now)).toBeNull();
    expect(staleBackup('shop', { kind: 'daily', at: '03:00' }, '2026-12-04T10:00:00Z', null, now)).toBe('the last backup of site shop is 48 h old (its policy allows 25 h)');
    expect(staleBackup('shop', { kind: 'every', hours: 2 }, null, '2026-12-06T06:00:00Z', now)).toBe('site shop has no successful backup yet');
    expect(staleBackup('shop', { kind: 'off' }, null, null, now)).toBeNull();
    expect(stampOf(new Date('2026-12-06T22:03:59Z'))).toBe('20261206_2203');
  });
});

describe('backup scripts', () => {
  it('hold no password and quote every value; the password reaches restic on fd 3 only', () => {
    const scripts = [
      backupLines({ site: 'shop', databases: ['shop_db'], keep: { daily: 7, weekly: 0, monthly: 2 }, socket: null, defaultsFile: null, ...repo }),
      checkLines(repo),
      restoreFilesLines({ site: 'shop', snapshot: 'ae4a7ef1', paths: ['a b/.env'], to: 'beside', stamp: '20261206_2203', ...repo }),
      restoreDbLines({ site: 'shop', snapshot: 'ae4a7ef1', db: 'shop_db', target: 'shop_db_restore_20261206_2203', fresh: true, socket: '/run/mysqld/mysqld.sock', defaultsFile: null, ...repo }),
    ].map((l) => l.join('\n'));
    for (const s of scripts) {
      expect(s).toContain('--password-file /dev/fd/3');
      expect(s).not.toMatch(/RESTIC_PASSWORD=|--password [^-]/);
    }
    expect(scripts[0]).toContain('--keep-daily 7 --keep-monthly 2 --prune');
    expect(scripts[0]).not.toContain('--keep-weekly');
    expect(scripts[2]).toContain(`--include "$home"/'a b/.env'`);
  });

  it('gives restic the password from stdin through a here-document in dash', () => {
    // A stand-in restic prints what it reads from --password-file and its own command line.
    const script = [
      'restic() { printf "args:%s\\n" "$*"; printf "pw:%s\\n" "$(cat "$4")"; }',
      ...resticHead(repo).filter((l) => !l.startsWith('command -v restic')),
      'r snapshots',
    ].join('\n');
    const out = execFileSync('dash', ['-c', script], { input: 'p$w`d\\x\n', encoding: 'utf8' });
    expect(out).toBe('args:-r /var/backups/hostdeck/main --password-file /dev/fd/3 snapshots\npw:p$w`d\\x\n');
  });
});

describe('backups on another server over SFTP', () => {
  const target = { name: 'web2', user: 'hostdeck-backup' as const, host: '10.0.0.7', port: 2222, dir: '/etc/hostdeck/backup-ssh/0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e' };
  const publicKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'b'.repeat(43)}`;

  it('runs restic through the pinned known_hosts and its own key only, never accepting a new host key', () => {
    const s = resticHead({ ...repo, sftp: target }).join('\n');
    expect(s).toContain(`repo='sftp:hostdeck-backup@10.0.0.7:/var/backups/hostdeck/main'`);
    expect(s).toContain('-o sftp.command="ssh $ssh_opts -p $port $dest -s sftp"');
    expect(s).toContain(`-i ${target.dir}/id_ed25519 -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile=${target.dir}/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes`);
    expect(s).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
    expect(s).toContain('did not present the host key Hostdeck pinned');
    expect(backupLines({ site: 'shop', databases: [], keep: null, socket: null, defaultsFile: null, ...repo, sftp: target }).join('\n')).not.toContain('mkdir -p "$repo"');
  });

  it('refuses hostile hosts, keys, host key lines and targets before any shell', () => {
    for (const host of ['-oProxyCommand=id', 'a b', 'a;b', '$(id)', 'u@h', 'h\nx', '`id`', "h'x"]) {
      expect(() => resticHead({ ...repo, sftp: { ...target, host } }), host).toThrow();
    }
    expect(() => resticHead({ ...repo, sftp: { ...target, user: 'root' as 'hostdeck-backup' } })).toThrow();
    expect(() => resticHead({ ...repo, sftp: { ...target, dir: '/etc/x y' } })).toThrow();
    const account = { user: 'hostdeck-backup' as const, repoPath: '/var/backups/hostdeck/web1', tag: 'hostdeck-backup-from-0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e', source: 'web1' };
    expect(sftpAccountLines({ ...account, publicKey }).join('\n')).toContain(`line='restrict,command="internal-sftp" ${publicKey} ${account.tag}'`);
    for (const bad of [`${publicKey}\nssh-ed25519 AAAA`, `command="sh" ${publicKey}`, 'ssh-rsa AAAAB3NzaC1yc2E', `${publicKey} x`, `${publicKey}'`]) {
      expect(() => sftpAccountLines({ ...account, publicKey: bad }), bad).toThrow();
    }
    for (const tag of ['x', 'hostdeck-backup-from-$(id)', `${account.tag}\nx`]) expect(() => sftpAccountLines({ ...account, publicKey, tag }), tag).toThrow();
    const client = { target, publicKey, keyRef: 'backup-key-0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e' };
    expect(sftpClientLines({ ...client, hostKeyLine: `[10.0.0.7]:2222 ssh-ed25519 AAAAC3Nz` }).join('\n')).toContain(`'[10.0.0.7]:2222 ssh-ed25519 AAAAC3Nz' > "$dir/known_hosts"`);
    for (const line of ['[h]:22 ssh-ed25519 AAAA\n* ssh-ed25519 BBBB', '@cert-authority * ssh-ed25519 AAAA', '* ssh-ed25519 AAAA', "h ssh-ed25519 AA'AA"]) {
      expect(() => sftpClientLines({ ...client, hostKeyLine: line }), line).toThrow();
    }
    const settings = backupsApi['backups.setSettings'].input;
    const ok = { serverId: '0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0e', repoPath: '/var/backups/hostdeck/web1', policy: { schedule: { kind: 'off' }, keep: { daily: 0, weekly: 0, monthly: 0 } } };
    expect(settings.safeParse({ ...ok, target: { kind: 'server', serverId: '0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0f' } }).success).toBe(true);
    for (const t of [{ kind: 'server', serverId: 'web2' }, { kind: 'server', serverId: '0b7e1c1e-5d0a-4c52-9d49-0a0c5e0e0e0f', host: 'evil' }, { kind: 'sftp', url: 'sftp:x' }, { kind: 'local', path: '/' }]) {
      expect(settings.safeParse({ ...ok, target: t }).success, JSON.stringify(t)).toBe(false);
    }
  });
});
