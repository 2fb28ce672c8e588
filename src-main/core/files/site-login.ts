// Logs in as a site's own Linux user: a key pair made in memory for this one login, its public
// half put in the site's ~/.ssh/authorized_keys with `restrict` and an `expiry-time` a few
// minutes ahead (OpenSSH >= 8.2), the connection opened with it, and the line taken out again
// at once (an open connection outlives its key). A crash between the two leaves a line that
// sshd refuses once it has expired, and the next login here sweeps expired lines away.
// The authorized_keys file is edited by the site's user (runuser), never by root in a folder
// the site controls. Edits take turns (in this process, and on the server under flock on a lock
// file beside it): two logins at once would otherwise each write the file back without the
// other's key. The new file replaces the old by rename, so sshd reading it meanwhile (another
// login's handshake) sees the old or the new file whole, never a half-written one.
import { randomBytes } from 'node:crypto';
import { AppError, msg } from '../../../shared/errors';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { ed25519Pair } from '../ssh/keygen';
import { shJoin } from '../ssh/sh-quote';
import type { Connected } from '../ssh/connect';

/** How long a login key is accepted by sshd: enough for the handshake, short if it is left behind. */
const KEY_LIFETIME_MS = 5 * 60_000;
export const KEY_TAG = 'hostdeck-files-';

/** OpenSSH's expiry-time format, in UTC. */
export function expiryStamp(at: Date): string {
  return `${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** The authorized_keys line of a login key: no forwarding, no pty, no agent, valid until `expires`. */
export function keyLine(publicKey: string, tag: string, expires: Date): string {
  return `restrict,expiry-time="${expiryStamp(expires)}" ${publicKey.trim().split(/\s+/).slice(0, 2).join(' ')} ${tag}`;
}

// Run as the site user by runuser: $1 home, $2 the line to add ('' = none), $3 a tag to take out
// ('' = none), $4 now as YYYYMMDDHHMMSS. Expired Hostdeck lines go in the same pass.
const EDIT = `umask 077; d="$1/.ssh"; f="$d/authorized_keys"
mkdir -p "$d" || exit 1
[ -f "$f" ] || : > "$f" || exit 1
if command -v flock >/dev/null 2>&1; then exec 8>>"$d/.hostdeck-keys.lock" && flock -x -w 20 8 || exit 1; fi
awk -v now="$4" -v drop="$3" '
  index($0, "${KEY_TAG}") && match($0, /expiry-time="[0-9]+Z?"/) && substr($0, RSTART + 13, 14) < now { next }
  drop != "" && index($0, drop) { next }
  { print }' "$f" > "$f.hd-tmp" || exit 1
[ -z "$2" ] || printf '%s\\n' "$2" >> "$f.hd-tmp" || exit 1
mv -f "$f.hd-tmp" "$f"`;

function editScript(site: string, add: string, drop: string): string {
  const now = expiryStamp(new Date()).slice(0, 14);
  return [
    `site=${shJoin([site])}`,
    // Debian's useradd leaves "!" (no password yet), which an sshd without PAM takes for a lock:
    // "*" is no password and no lock. A "!" before a password is a real lock (suspension).
    'pw=$(getent shadow "$site" | cut -d: -f2)',
    '[ "$pw" != "!" ] || usermod -p "*" "$site" || exit 1',
    'case "$pw" in "!"?*) echo "locked" >&2; exit 3;; esac',
    'home=$(getent passwd "$site" | cut -d: -f6); [ -n "$home" ] || { echo "no such user" >&2; exit 4; }',
    `runuser -u "$site" -- sh -c ${shJoin([EDIT])} sh "$home" ${shJoin([add, drop, now])}`,
  ].join('\n');
}

async function asRoot(connections: ConnectionManager, serverId: string, script: string): Promise<void> {
  const lease = await connections.acquire(serverId);
  try {
    const r = await exec(await lease.ready(), script, 20_000);
    if (r.code === 3) throw new AppError('conflict', msg('The site’s account is locked (suspended): its files open as its own user, so unsuspend it first.'));
    if (r.code === 4) throw new AppError('not-found', msg('The site’s Linux account is not on the server.'));
    if (r.code !== 0) throw new AppError('ssh', msg('Could not prepare the site’s login key on the server.'), { details: r.stderr.slice(-1000) });
  } finally {
    lease.release();
  }
}

/** The latest edit of each site's authorized_keys from this process (server and site as key). */
const editing = new Map<string, Promise<void>>();

/** Runs one edit of a site's authorized_keys after the ones before it from this process. */
function editInTurn(connections: ConnectionManager, serverId: string, site: string, script: string): Promise<void> {
  const key = `${serverId}\u0000${site}`;
  const run = (editing.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => asRoot(connections, serverId, script));
  const settled = run.catch(() => undefined);
  editing.set(key, settled);
  void settled.then(() => {
    if (editing.get(key) === settled) editing.delete(key);
  });
  return run;
}

/** A connection as the site's user; the key used for it is already gone from the server. */
export async function loginAsSite(connections: ConnectionManager, serverId: string, site: string): Promise<Connected & { close(): void }> {
  const pair = ed25519Pair();
  const tag = `${KEY_TAG}${randomBytes(8).toString('hex')}`;
  await editInTurn(connections, serverId, site, editScript(site, keyLine(pair.public, tag, new Date(Date.now() + KEY_LIFETIME_MS)), ''));
  try {
    return await connections.connectAs(serverId, site, Buffer.from(pair.private));
  } catch (error) {
    if (error instanceof AppError && error.code === 'auth-failed') {
      throw AppError.worded('auth-failed', msg("The server did not accept a login as {{site}} with a key in its ~/.ssh/authorized_keys (sshd's AuthorizedKeysFile, AllowUsers or the account's shell may not allow it)."), { site });
    }
    throw error;
  } finally {
    await editInTurn(connections, serverId, site, editScript(site, '', tag)).catch(() => undefined);
  }
}
