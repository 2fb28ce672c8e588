// Import hosts from ~/.ssh/config (HostName, Port, User, IdentityFile) using the
// `ssh-config` parser, which resolves Host blocks and Include the way OpenSSH does.
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import SSHConfig from 'ssh-config';
import { ServerInput, type SshConfigCandidate } from '../../../shared/domain';
import { AppError, msg } from '../../../shared/errors';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export async function readSshConfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw AppError.worded('not-found', code === 'ENOENT' ? msg('There is no SSH config at {{file}}.') : msg('{{file}} cannot be read.'), { file });
  }
}

export function candidatesFrom(text: string, home: string, existingNames: Set<string>): { candidate: SshConfigCandidate; input: ServerInput | null }[] {
  const config = SSHConfig.parse(text);
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => (typeof v === 'string' ? v : v.val)) : [String(line.value)];
    for (const alias of values) if (!/[*?!]/.test(alias) && !aliases.includes(alias)) aliases.push(alias);
  }
  return aliases.map((alias) => {
    const c = config.compute(alias);
    const host = first(c.HostName) ?? alias;
    const port = Number(first(c.Port) ?? 22);
    const user = first(c.User) ?? os.userInfo().username;
    const identity = first(c.IdentityFile);
    const keyPath = identity ? identity.replace(/^~(?=\/)/, home) : null;
    // ProxyJump a,b means a then b: the last hop is this server's jump host.
    const proxyJump = first(c.ProxyJump)?.split(',').pop()?.trim() ?? null;
    const jumpProblem = proxyJump && proxyJump !== 'none' && /[@:]/.test(proxyJump) ? `ProxyJump ${proxyJump}: add the jump host as its own Host entry or server first` : null;
    const raw = {
      name: alias,
      host,
      port,
      user,
      auth: keyPath ? { method: 'key' as const, keyPath } : { method: 'agent' as const },
      roles: [],
      tags: ['ssh-config'],
    };
    const parsed = ServerInput.safeParse(raw);
    const problem = jumpProblem ?? (parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return {
      candidate: { alias, host, port, user, keyPath, proxyJump: proxyJump === 'none' ? null : proxyJump, problem, exists: existingNames.has(alias.toLowerCase()) },
      input: parsed.success && !jumpProblem ? parsed.data : null,
    };
  });
}

export function defaultSshConfigPath(home: string): string {
  return path.join(home, '.ssh', 'config');
}
