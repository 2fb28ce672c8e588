// Opens one verified SSH connection. The host key is checked before any authentication:
// app pins first, then ~/.ssh/known_hosts; unknown keys and changed keys abort the
// handshake, so nothing runs on a server the user has not trusted.
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { Client, ConnectConfig } from 'ssh2';
import { AppError } from '../../../shared/errors';
import type { Auth, HostKeyInfo } from '../../../shared/domain';
import { fingerprint, keyType } from './host-key';
import { lookup, type KnownHostsEntry } from './known-hosts';
import { connectError } from './errors';

export type HostKeyPolicy = {
  /** The key pinned in the app for this host:port, if any. */
  pin: { keyType: string; key: string; fingerprint: string } | null;
  knownHosts: KnownHostsEntry[];
};

export type SshTarget = { host: string; port: number; user: string; auth: Auth };

export type Presented = HostKeyInfo & { key: string };

export type Connected = { client: Client; hostKey: Presented; trustedBy: 'pin' | 'known_hosts' };

export type ConnectOptions = {
  target: SshTarget;
  /** Password or key passphrase from the keychain. */
  secret: string | null;
  /** Absolute key path (already expanded). */
  keyPath: string | null;
  policy: HostKeyPolicy;
  timeoutMs?: number;
  /** Sees every presented host key, trusted or not (to pin exactly the key the user confirms). */
  onHostKey?: (key: Presented) => void;
};

type Verdict = { ok: true; trustedBy: 'pin' | 'known_hosts' } | { ok: false; error: AppError };

function judge(presented: Presented, target: SshTarget, policy: HostKeyPolicy): Verdict {
  const known = lookup(policy.knownHosts, target.host, target.port);
  if (known.revoked.includes(presented.key)) {
    return { ok: false, error: new AppError('host-key-revoked', `The host key of ${target.host} is marked @revoked in known_hosts; refusing to connect.`, { data: { actual: presented } }) };
  }
  const keyOf = (k: { keyType: string; key: string }) => ({ keyType: k.keyType, fingerprint: fingerprint(Buffer.from(k.key, 'base64')) });
  if (policy.pin) {
    if (policy.pin.key === presented.key) return { ok: true, trustedBy: 'pin' };
    return { ok: false, error: changed(target, keyOf(policy.pin), presented, 'pin') };
  }
  if (known.keys.some((k) => k.key === presented.key)) return { ok: true, trustedBy: 'known_hosts' };
  const sameType = known.keys.find((k) => k.keyType === presented.keyType);
  if (sameType) return { ok: false, error: changed(target, keyOf(sameType), presented, 'known_hosts') };
  return {
    ok: false,
    error: new AppError('host-key-unknown', `${target.host} presented a host key this app has not seen; confirm its fingerprint.`, {
      data: { hostKey: { keyType: presented.keyType, fingerprint: presented.fingerprint } },
    }),
  };
}

function changed(target: SshTarget, expected: HostKeyInfo, actual: Presented, source: 'pin' | 'known_hosts'): AppError {
  return new AppError(
    'host-key-changed',
    `The host key of ${target.host}:${target.port} has changed; someone may be intercepting the connection. Nothing was run.`,
    { data: { expected, actual: { keyType: actual.keyType, fingerprint: actual.fingerprint }, source } },
  );
}

async function credentials(options: ConnectOptions): Promise<Partial<ConnectConfig>> {
  const { auth } = options.target;
  switch (auth.method) {
    case 'password':
      if (!options.secret) throw new AppError('auth-failed', 'No password is stored for this server; edit it and enter the password.');
      return { password: options.secret };
    case 'agent':
      if (!process.env.SSH_AUTH_SOCK) throw new AppError('auth-failed', 'No ssh-agent is running (SSH_AUTH_SOCK is not set); start one and add your key.');
      return { agent: process.env.SSH_AUTH_SOCK };
    case 'key':
    case 'key-passphrase': {
      const privateKey = await readPrivateKey(options.keyPath ?? auth.keyPath, auth.method === 'key-passphrase' ? options.secret : null);
      return { privateKey, ...(options.secret && auth.method === 'key-passphrase' ? { passphrase: options.secret } : {}) };
    }
  }
}

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

function openSocket(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      // Small SSH packets must not wait for Nagle: 82 -> 36 ms per exec (DESIGN.md figures).
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export async function connect(options: ConnectOptions): Promise<Connected> {
  const { target, policy } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const creds = await credentials(options);
  let sock: net.Socket;
  try {
    sock = await openSocket(target.host, target.port, timeoutMs);
  } catch (error) {
    throw connectError(error, target);
  }
  const client = new ssh2.Client();
  let verdict: Verdict | null = null;
  let presented: Presented | null = null;
  return new Promise<Connected>((resolve, reject) => {
    const fail = (error: unknown) => {
      client.end();
      sock.destroy();
      reject(verdict && !verdict.ok ? verdict.error : connectError(error, target));
    };
    client.once('ready', () => {
      client.removeListener('error', fail);
      client.on('error', () => undefined);
      if (!presented || !verdict?.ok) return fail(new Error('host key was not verified'));
      resolve({ client, hostKey: presented, trustedBy: verdict.trustedBy });
    });
    client.once('error', fail);
    client.connect({
      sock,
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: timeoutMs,
      ...creds,
      hostVerifier: (key: Buffer) => {
        presented = { keyType: keyType(key), fingerprint: fingerprint(key), key: key.toString('base64') };
        options.onHostKey?.(presented);
        verdict = judge(presented, target, policy);
        return verdict.ok;
      },
    });
  });
}

export type ExecResult = { stdout: string; stderr: string; code: number | null };

/** Runs a fixed command (never user text) on an open connection. */
export function exec(client: Client, command: string, timeoutMs = 15_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(new AppError('ssh', 'The server refused to run a command.', { details: error.message }));
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        stream.close();
        reject(new AppError('timeout', `The command did not finish within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      stream.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      stream.on('close', (code: number | null) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code });
      });
    });
  });
}
