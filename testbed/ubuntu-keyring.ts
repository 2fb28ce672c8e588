// Ubuntu's archive signing key for building an Ubuntu root on this Debian machine (Debian has no
// Ubuntu keyring package). The key comes over the network inside the archive's ubuntu-keyring
// package, so nothing downloaded is trusted as such: only the key whose fingerprint is pinned
// below is taken out of it, and the build is refused when the package does not hold exactly that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ensureDir, run } from './util';

/**
 * Ubuntu Archive Automatic Signing Key (2018) <ftpmaster@ubuntu.com>, the key noble's Release files
 * are signed with, as Ubuntu publishes it (wiki.ubuntu.com/SecurityTeam/FAQ, its keyring package).
 * Pinned here because a fingerprint is a hash of the key itself: a key that matches it cannot have
 * been swapped on the way, whatever mirror or proxy served it.
 */
export const UBUNTU_ARCHIVE_KEY_2018 = 'F6ECB3762474EDA9D21B7022871920D1991BC93C';

/** The pool file of a package in an apt Packages index (its first stanza). */
export function packageFilename(index: string, name: string): string | null {
  for (const stanza of index.split(/\n\n+/)) {
    if (!new RegExp(`^Package: ${name.replace(/[.+]/g, '\\$&')}$`, 'm').test(stanza)) continue;
    return /^Filename: (\S+)$/m.exec(stanza)?.[1] ?? null;
  }
  return null;
}

/** The primary-key fingerprints in `gpg --with-colons` output (a subkey's fpr line follows its sub line). */
export function primaryFingerprints(colons: string): string[] {
  const out: string[] = [];
  let primary = false;
  for (const line of colons.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') primary = true;
    else if (f[0] === 'sub') primary = false;
    else if (f[0] === 'fpr' && primary) {
      out.push(f[9] ?? '');
      primary = false;
    }
  }
  return out;
}

async function get(url: string): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The pinned key, alone, as a keyring file for mmdebstrap (kept in `dir`, checked again on every use). */
export async function ubuntuArchiveKeyring(mirror: string, suite: string, dir: string): Promise<string> {
  ensureDir(dir);
  const keyring = path.join(dir, 'ubuntu-archive-2018.gpg');
  const check = async (file: string): Promise<void> => {
    const shown = await run('gpg', ['--batch', '--show-keys', '--with-colons', file], { allowFail: true });
    const fprs = primaryFingerprints(shown.stdout);
    if (fprs.length !== 1 || fprs[0] !== UBUNTU_ARCHIVE_KEY_2018) {
      throw new Error(`refusing to build the Ubuntu root: ${file} holds ${fprs.join(', ') || 'no key'}, not exactly Ubuntu's archive key ${UBUNTU_ARCHIVE_KEY_2018}`);
    }
  };
  if (fs.existsSync(keyring)) {
    await check(keyring);
    return keyring;
  }
  const work = fs.mkdtempSync(path.join(dir, 'work-'));
  try {
    const index = gunzipSync(await get(`${mirror}/dists/${suite}/main/binary-amd64/Packages.gz`)).toString('utf8');
    const file = packageFilename(index, 'ubuntu-keyring');
    if (!file) throw new Error(`no ubuntu-keyring in ${mirror} ${suite} main`);
    fs.writeFileSync(path.join(work, 'k.deb'), await get(`${mirror}/${file}`));
    await run('dpkg-deb', ['-x', path.join(work, 'k.deb'), path.join(work, 'x')]);
    const home = ensureDir(path.join(work, 'gnupg'), 0o700);
    const gpg = (args: string[]) => run('gpg', ['--batch', '--homedir', home, ...args]);
    await gpg(['--import', path.join(work, 'x/usr/share/keyrings/ubuntu-archive-keyring.gpg')]);
    // Exported by its full fingerprint: the 2018 key only, whatever else the package holds.
    await gpg(['--output', path.join(work, 'pinned.gpg'), '--export', UBUNTU_ARCHIVE_KEY_2018]);
    await check(path.join(work, 'pinned.gpg'));
    fs.renameSync(path.join(work, 'pinned.gpg'), keyring);
    return keyring;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
