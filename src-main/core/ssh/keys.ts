// Private key files: read them and test-parse them, so a missing file, a folder, a foreign
// format or a wrong passphrase are each reported as such (as a field error where a form shows).
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { AppError, msg } from '../../../shared/errors';

/** Reads a key file, turning file-system failures into a field error on the key path. */
export async function readKeyFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const [key, why] =
      code === 'ENOENT' ? [msg('The key file {{file}} does not exist.'), 'does not exist']
      : code === 'EACCES' ? [msg('The key file {{file}} is not readable by this user.'), 'is not readable by this user']
      : code === 'EISDIR' ? [msg('The key file {{file}} is a folder.'), 'is a folder']
      : [msg('The key file {{file}} cannot be read.'), 'cannot be read'];
    throw AppError.worded('key-file', key, { file }, { fields: { 'auth.keyPath': `This file ${why}` } });
  }
}

/** Reads and test-parses a private key so a wrong passphrase is reported as such. */
export async function readPrivateKey(file: string, passphrase: string | null): Promise<Buffer> {
  const data = await readKeyFile(file);
  const parsed = ssh2.utils.parseKey(data, passphrase ?? undefined);
  if (parsed instanceof Error) {
    if (/encrypted|passphrase|decrypt/i.test(parsed.message)) {
      const why = passphrase ? 'The passphrase does not unlock this key' : 'This key is encrypted: choose "Private key + passphrase" and enter it';
      const message = passphrase ? msg('The passphrase does not unlock this key.') : msg('This key is encrypted: choose "Private key + passphrase" and enter it.');
      throw new AppError('passphrase', message, { fields: { [passphrase ? 'secret' : 'auth.method']: why } });
    }
    throw AppError.worded('key-file', msg('The file {{file}} is not a private key Hostdeck can read.'), { file }, { fields: { 'auth.keyPath': 'Not a private key in a known format' }, details: parsed.message });
  }
  return data;
}
