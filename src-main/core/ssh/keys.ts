// Private key files: read them and test-parse them, so a missing file, a folder, a foreign
// format or a wrong passphrase are each reported as such (as a field error where a form shows).
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { AppError } from '../../../shared/errors';

/** Reads a key file, turning file-system failures into a field error on the key path. */
export async function readKeyFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    throw new AppError('key-file', `The key file ${file} ${why}.`, { fields: { 'auth.keyPath': `This file ${why}` } });
  }
}

/** Reads and test-parses a private key so a wrong passphrase is reported as such. */
export async function readPrivateKey(file: string, passphrase: string | null): Promise<Buffer> {
  const data = await readKeyFile(file);
  const parsed = ssh2.utils.parseKey(data, passphrase ?? undefined);
  if (parsed instanceof Error) {
    if (/encrypted|passphrase|decrypt/i.test(parsed.message)) {
      const msg = passphrase ? 'The passphrase does not unlock this key' : 'This key is encrypted: choose "Private key + passphrase" and enter it';
      throw new AppError('passphrase', `${msg}.`, { fields: { [passphrase ? 'secret' : 'auth.method']: msg } });
    }
    throw new AppError('key-file', `The file ${file} is not a private key Hostdeck can read.`, { fields: { 'auth.keyPath': 'Not a private key in a known format' }, details: parsed.message });
  }
  return data;
}
