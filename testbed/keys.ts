// Client key pairs for the tests (generated once) and the authorized_keys file both sshds use.
import * as fs from 'node:fs';
import { ensureDir, p, run, secrets, writeIfChanged } from './util';

export interface KeyPair {
  path: string;
  publicPath: string;
  passphrase?: string;
}

export interface ClientKeys {
  ed25519: KeyPair;
  ed25519Pass: KeyPair;
  rsa: KeyPair;
  ecdsa: KeyPair;
}

export const AUTHORIZED_KEYS = p('ssh', 'authorized_keys');

const SPECS: Record<keyof ClientKeys, { type: string; bits?: number; pass: boolean; file: string }> = {
  ed25519: { type: 'ed25519', pass: false, file: 'id_ed25519' },
  ed25519Pass: { type: 'ed25519', pass: true, file: 'id_ed25519_pass' },
  rsa: { type: 'rsa', bits: 3072, pass: false, file: 'id_rsa' },
  ecdsa: { type: 'ecdsa', bits: 256, pass: false, file: 'id_ecdsa' },
};

async function ensureKey(file: string, spec: (typeof SPECS)[keyof ClientKeys], passphrase: string): Promise<void> {
  if (fs.existsSync(file) && fs.existsSync(`${file}.pub`)) return;
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.pub`, { force: true });
  const args = ['-q', '-t', spec.type, '-N', passphrase, '-C', `hostdeck-test-${spec.file}`, '-f', file];
  if (spec.bits) args.push('-b', String(spec.bits));
  await run('ssh-keygen', args);
}

export async function ensureClientKeys(): Promise<ClientKeys> {
  const dir = ensureDir(p('keys'), 0o700);
  ensureDir(p('ssh'));
  const { ed25519Passphrase } = secrets();
  const names = Object.keys(SPECS) as (keyof ClientKeys)[];
  const out = {} as ClientKeys;
  await Promise.all(
    names.map(async (name) => {
      const spec = SPECS[name];
      const file = `${dir}/${spec.file}`;
      await ensureKey(file, spec, spec.pass ? ed25519Passphrase : '');
      out[name] = spec.pass ? { path: file, publicPath: `${file}.pub`, passphrase: ed25519Passphrase } : { path: file, publicPath: `${file}.pub` };
    }),
  );
  const lines = names.map((n) => fs.readFileSync(out[n].publicPath, 'utf8').trim());
  // Readable by hdtest: sshd reads it with the user's privileges (StrictModes no).
  writeIfChanged(AUTHORIZED_KEYS, `${lines.join('\n')}\n`, 0o644);
  return out;
}
