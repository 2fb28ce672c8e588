// Turns socket and ssh2 failures into one-sentence typed errors: what happened, what to do.
import { AppError } from '../../../shared/errors';

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
      return new AppError('dns', `The host name ${target.host} could not be resolved; check the spelling or your DNS.`, { details });
    case 'ECONNREFUSED':
      return new AppError('refused', `${where} refused the connection; is sshd running on that port?`, { details });
    case 'ETIMEDOUT':
      return new AppError('timeout', `${where} did not answer in time; check the address, port and firewall.`, { details });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AppError('unreachable', `${where} is unreachable from this machine; check the network or VPN.`, { details });
    case 'ECONNRESET':
      return new AppError('ssh', `${where} closed the connection during the handshake; is it an SSH server?`, { details });
  }
  if (e?.level === 'client-authentication') {
    const methods = tried.length ? ` (tried: ${tried.join(', ')})` : '';
    return new AppError('auth-failed', `The server refused the login${methods}; check the user name and credentials.`, { details, data: { tried: [...tried] } });
  }
  if (e?.level === 'client-timeout') {
    return new AppError('timeout', `${where} accepted the connection but the SSH handshake timed out.`, { details });
  }
  return new AppError('ssh', `The SSH connection to ${where} failed.`, { details });
}
