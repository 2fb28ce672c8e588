// The renderer protocol: app://hostdeck/<file in dist/renderer>, served with the CSP header. The
// renderer is loaded only from this custom, standard + secure scheme (never file:// or the network).
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_DIR } from './paths';

export const SCHEME = 'app';
export const HOST = 'hostdeck';
const ORIGIN = `${SCHEME}://${HOST}`;
export const START_URL = `${ORIGIN}/index.html`;

/** Sent with every renderer response; the renderer's own markup cannot loosen it. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** Must run before the app is ready: Electron only accepts privileged schemes then. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Runs once the app is ready, before the first window loads START_URL. */
export function serveRendererProtocol(): void {
  protocol.handle(SCHEME, serveRenderer);
}

async function serveRenderer(request: Request): Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: SECURITY_HEADERS });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound();
  }
  if (url.host !== HOST) return notFound();
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return notFound();
  }
  if (pathname.includes('\0')) return notFound();
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = path.resolve(RENDERER_DIR, relative);
  // No escaping the renderer folder, whatever the URL says.
  if (file !== RENDERER_DIR && !file.startsWith(RENDERER_DIR + path.sep)) return notFound();
  try {
    const body = await readFile(file);
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-cache' },
    });
  } catch {
    return notFound();
  }
}
