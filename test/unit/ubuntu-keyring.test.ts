// The Ubuntu root is built only with Ubuntu's archive key as its pinned fingerprint names it: the
// pool file of the keyring package is read from the index, the primary keys from gpg's listing,
// and a keyring holding any other key is refused before mmdebstrap runs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFilename, primaryFingerprints, ubuntuArchiveKeyring, UBUNTU_ARCHIVE_KEY_2018 } from '../../testbed/ubuntu-keyring';

const INDEX = [
  'Package: ubuntu-keyring-extra\nVersion: 1\nFilename: pool/main/u/x/ubuntu-keyring-extra_1_all.deb\n',
  'Package: ubuntu-keyring\nVersion: 2023.11.28.1\nFilename: pool/main/u/ubuntu-keyring/ubuntu-keyring_2023.11.28.1_all.deb\nSize: 16000\n',
].join('\n');

const COLONS = [
  'pub:-:4096:1:871920D1991BC93C:1537196506:::-:::scSC::::::23::0:',
  `fpr:::::::::${UBUNTU_ARCHIVE_KEY_2018}:`,
  'uid:-::::1537196506::BE43::Ubuntu Archive Automatic Signing Key (2018) <ftpmaster@ubuntu.com>::::::::::0:',
  'sub:-:4096:1:AAAABBBBCCCCDDDD:1537196506:::::e::::::23:',
  'fpr:::::::::0000111122223333444455556666AAAABBBBCCCC:',
].join('\n');

describe('Ubuntu archive keyring', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-ubuntu-keyring-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the keyring package\'s pool file by its exact name', () => {
    expect(packageFilename(INDEX, 'ubuntu-keyring')).toBe('pool/main/u/ubuntu-keyring/ubuntu-keyring_2023.11.28.1_all.deb');
    expect(packageFilename(INDEX, 'ubuntu')).toBeNull();
  });

  it('reads primary fingerprints only, not subkeys\'', () => {
    expect(primaryFingerprints(COLONS)).toEqual([UBUNTU_ARCHIVE_KEY_2018]);
    expect(primaryFingerprints('')).toEqual([]);
  });

  it('refuses a keyring holding another key, naming it, before anything is downloaded', { timeout: 30_000 }, async () => {
    const home = fs.mkdtempSync(path.join(dir, 'gnupg-'));
    const gpg = (args: string[]) => execFileSync('gpg', ['--batch', '--homedir', home, '--passphrase', '', ...args], { encoding: 'utf8' });
    gpg(['--quick-gen-key', 'Impostor <ftpmaster@ubuntu.com>', 'ed25519', 'sign', 'never']);
    const fpr = primaryFingerprints(gpg(['--with-colons', '--list-keys']))[0]!;
    const keys = path.join(dir, 'keys');
    fs.mkdirSync(keys);
    fs.writeFileSync(path.join(keys, 'ubuntu-archive-2018.gpg'), execFileSync('gpg', ['--batch', '--homedir', home, '--export', fpr]));
    // An unreachable mirror: the cached keyring is judged first.
    await expect(ubuntuArchiveKeyring('http://127.0.0.1:9', 'noble', keys)).rejects.toThrow(new RegExp(`refusing to build the Ubuntu root: .* holds ${fpr}, not exactly Ubuntu's archive key ${UBUNTU_ARCHIVE_KEY_2018}`));
  });
});
