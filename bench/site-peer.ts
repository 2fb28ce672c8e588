// The by-hand peer of a bench that works in a site as the site's own user over OpenSSH: a key of
// the bench's in the site's ~/.ssh/authorized_keys the way Hostdeck's own site login puts its key
// (`restrict`, a short `expiry-time`; taken out at the end), and one persistent connection
// (ControlMaster) opened before the clock, as Hostdeck's site login is.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expiryStamp, keyLine } from '../src-main/core/files/site-login';
import type { BenchContext } from './lib';

export type SitePeer = {
  /** Options of `ssh` through the persistent connection, `-p` included. */
  sshOpts: string[];
  /** The same for `scp` (`-P`). */
  scpOpts: string[];
  /** site@host */
  login: string;
  /** Puts the key in the site's authorized_keys and opens the persistent connection. */
  open(): void;
  /** Closes the connection and takes the key out (either may be gone already). */
  close(): void;
};

/** A key made now for `site` on web1 (whose host key `knownHosts` holds); nothing on the server until open(). */
export function sitePeer(ctx: BenchContext, site: string, knownHosts: string, tag: string): SitePeer {
  const web1 = ctx.testbed.ssh.web1;
  const key = path.join(ctx.tmpDir, 'peer_ed25519');
  const controlPath = `/tmp/hd-peer-${tag}.sock`; // short: a unix socket's path is limited to about 100 bytes
  const keyTag = `hostdeck-bench-peer-${tag}`;
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', keyTag, '-f', key]);
  const common = ['-F', '/dev/null', '-i', key, '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ControlMaster=auto', '-o', `ControlPath=${controlPath}`, '-o', 'ControlPersist=600'];
  const sshOpts = [...common, '-p', String(web1.port)];
  const home = `/home/${site}`;
  const login = `${site}@${web1.host}`;
  let closed = false;
  return {
    sshOpts,
    scpOpts: [...common, '-P', String(web1.port)],
    login,
    open() {
      const until = new Date(Date.now() + 60 * 60_000);
      const line = keyLine(readFileSync(`${key}.pub`, 'utf8'), keyTag, until);
      execFileSync('runuser', ['-u', site, '--', 'sh', '-c', 'umask 077; mkdir -p "$1/.ssh" && printf "%s\\n" "$2" >> "$1/.ssh/authorized_keys"', 'sh', home, line]);
      execFileSync('ssh', [...sshOpts, '-f', '-N', login], { stdio: ['ignore', 'ignore', 'pipe'] });
      ctx.log(`peer key valid until ${expiryStamp(until)} for ${site}`);
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        execFileSync('ssh', ['-o', `ControlPath=${controlPath}`, '-O', 'exit', 'x'], { stdio: 'ignore' });
      } catch {
        // no master was running
      }
      try {
        execFileSync('sh', ['-c', `[ -f ${home}/.ssh/authorized_keys ] && runuser -u ${site} -- sed -i '/${keyTag}/d' ${home}/.ssh/authorized_keys`], { stdio: 'ignore' });
      } catch {
        // the site may be gone already
      }
    },
  };
}

/** sha256 of every regular file under dir, by path (sorted), hashed again: one line for a tree. */
export function treeSum(dir: string): string {
  return execFileSync('sh', ['-c', 'cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum', 'sh', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split(' ')[0]!;
}
