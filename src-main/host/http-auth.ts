// Browser-mode access control: a random token per run, exchanged once for an HttpOnly
// SameSite=Strict cookie; Host and Origin pinned to 127.0.0.1:<port> (no DNS rebinding,
// no cross-site WebSocket).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'hostdeck_session';

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return null;
}

export function hasSession(req: IncomingMessage, token: string): boolean {
  const value = cookieToken(req);
  return value !== null && sameSecret(value, token);
}

export function hostAllowed(req: IncomingMessage, origin: string): boolean {
  return req.headers.host === new URL(origin).host;
}

export function sessionCookie(token: string): string {
  return `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
