// Turns socket and ssh2 failures into one-sentence typed errors: what happened, what to do. Each
// sentence is a translation key (msg) with its values, so the UI can show it in its language.
import { AppError, msg } from '../../../shared/errors';

type Target = { host: string; port: number };

export function connectError(error: unknown, target: Target, tried: readonly string[] = []): AppError {
  if (error instanceof AppError) return error;
  const e = error as NodeJS.ErrnoException & { level?: string };
  const where = `${target.host}:${target.port}`;
  const details = e?.message;
  switch (e?.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return AppError.worded('dns', msg('The host name {{host}} could not be resolved; check the spelling or your DNS.'), { host: target.host }, { details });
    case 'ECONNREFUSED':
      return AppError.worded('refused', msg('{{where}} refused the connection; is sshd running on that port?'), { where }, { details });
    case 'ETIMEDOUT':
      return AppError.worded('timeout', msg('{{where}} did not answer in time; check the address, port and firewall.'), { where }, { details });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return AppError.worded('unreachable', msg('{{where}} is unreachable from this machine; check the network or VPN.'), { where }, { details });
    case 'ECONNRESET':
      return AppError.worded('ssh', msg('{{where}} closed the connection during the handshake; is it an SSH server?'), { where }, { details });
  }
  if (e?.level === 'client-authentication') {
    const data = { tried: [...tried] };
    return tried.length
      ? AppError.worded('auth-failed', msg('The server refused the login (tried: {{methods}}); check the user name and credentials.'), { methods: tried.join(', ') }, { details, data })
      : AppError.worded('auth-failed', msg('The server refused the login; check the user name and credentials.'), {}, { details, data });
  }
  if (e?.level === 'client-timeout') {
    return AppError.worded('timeout', msg('{{where}} accepted the connection but the SSH handshake timed out.'), { where }, { details });
  }
  return AppError.worded('ssh', msg('The SSH connection to {{where}} failed.'), { where }, { details });
}
