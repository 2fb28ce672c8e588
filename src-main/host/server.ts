// The headless host: serves the built renderer and the core's protocol over a WebSocket, on
// 127.0.0.1 only. This is browser mode, and what the end-to-end tests drive.
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Core } from '../core/core';
import { attachWindow } from '../core/attach-window';
import { decodeBytesFrame } from '../../shared/wire-bytes';
import { hasSession, hostAllowed, sameSecret, sessionCookie } from './http-auth';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export type Host = { url: string; origin: string; token: string; close(): Promise<void> };

export async function startHost(options: { core: Core; staticDir: string; port?: number; token?: string }): Promise<Host> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const staticDir = path.resolve(options.staticDir);
  let origin = '';

  const deny = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(text);
  };

  const server = http.createServer(async (req, res) => {
    if (!hostAllowed(req, origin)) return deny(res, 421, 'Wrong host.\n');
    const url = new URL(req.url ?? '/', origin);
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!sameSecret(given, token)) return deny(res, 401, 'Unauthorized: the token is wrong. Open the URL Hostdeck printed.\n');
      // Trade the token for a cookie and take it out of the address bar (and history).
      url.searchParams.delete('token');
      res.writeHead(303, { 'Set-Cookie': sessionCookie(token), Location: url.pathname + url.search, ...SECURITY_HEADERS });
      return res.end();
    }
    if (!hasSession(req, token)) return deny(res, 401, 'Unauthorized: open the URL Hostdeck printed (it carries the token).\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed.\n');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(staticDir, rel);
    if (!file.startsWith(staticDir + path.sep)) return deny(res, 404, 'Not found.\n');
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      deny(res, 404, 'Not found.\n');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/ws' || !hostAllowed(req, origin) || req.headers.origin !== origin || !hasSession(req, token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connectWindow(ws, options.core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The host did not get a TCP port.');
  origin = `http://127.0.0.1:${address.port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function asBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function connectWindow(ws: WebSocket, core: Core): void {
  const handle = attachWindow(core, (message) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  });
  ws.on('message', (data, isBinary) => {
    try {
      // A binary frame is a call carrying bytes (an upload's file content); text is JSON.
      handle.receive(isBinary ? decodeBytesFrame(asBytes(data)) : JSON.parse(data.toString()));
    } catch {
      ws.close(1003, 'Malformed message');
    }
  });
  ws.on('close', () => handle.detach());
}

/** Ctrl+C or a TERM closes the host, then the core, then exits: what every browser-mode entry point does. */
export function closeOnSignals(host: Host, core: Pick<Core, 'close'>): void {
  const stop = async (): Promise<void> => {
    await host.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
