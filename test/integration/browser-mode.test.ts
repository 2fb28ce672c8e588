// Browser mode's door: 127.0.0.1 only, a token per run traded for an HttpOnly SameSite=Strict
// cookie, Host and Origin checked, and nothing served without them.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../../src-main/core/core';
import { startHost, type Host } from '../../src-main/host/server';
import { freshDataDir, freshHome } from '../helpers/env';
import { REPO } from '../../testbed/util';

let core: Core;
let host: Host;

beforeAll(async () => {
  core = await createCore({ dataDir: freshDataDir('host'), homeDir: freshHome('host'), log: () => undefined });
  host = await startHost({ core, staticDir: path.join(REPO, 'dist', 'renderer') });
});
afterAll(async () => {
  await host.close();
  await core.close();
});

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

const cookie = () => `hostdeck_session=${host.token}`;

function openWs(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('browser mode', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 401 and no data without the token or cookie', async () => {
    const res = await get(`${host.origin}/`);
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('<script');
    expect((await get(`${host.origin}/index.html`)).status).toBe(401);
    expect((await get(`${host.origin}/?token=wrong`)).status).toBe(401);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const res = await get(host.url);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['set-cookie']?.[0]).toBe(`hostdeck_session=${host.token}; HttpOnly; SameSite=Strict; Path=/`);
    const page = await get(`${host.origin}/`, { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses another Host header (DNS rebinding)', async () => {
    expect((await get(`${host.origin}/`, { cookie: cookie(), host: 'evil.example:80' })).status).toBe(421);
  });

  it('refuses a WebSocket without the cookie or from another origin', async () => {
    await expect(openWs({ origin: host.origin })).rejects.toThrow('HTTP 401');
    await expect(openWs({ origin: 'http://evil.example', cookie: cookie() })).rejects.toThrow('HTTP 401');
    await expect(openWs({ cookie: cookie() })).rejects.toThrow('HTTP 401');
  });

  it('serves the contract over the WebSocket and validates every call', async () => {
    const ws = await openWs({ origin: host.origin, cookie: cookie() });
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'servers.list', input: {} }));
    ws.send(JSON.stringify({ kind: 'call', id: 2, method: 'servers.add', input: { name: 'x', port: 'nope' } }));
    ws.send(JSON.stringify({ kind: 'call', id: 3, method: 'fs.readFile', input: '/etc/shadow' }));
    await expect.poll(() => replies.length).toBe(3);
    const byId = Object.fromEntries((replies as { id: number }[]).map((r) => [r.id, r]));
    expect(byId[1]).toEqual({ kind: 'result', id: 1, ok: true, output: [] });
    expect(byId[2]).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(byId[3]).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    ws.close();
  });
});
