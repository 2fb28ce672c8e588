// The contract queues only what the UI means: no generic enqueue (a destructive kind such as
// site.delete is reachable only through hosting.deleteSite and its typed confirmation), and the
// queue's test task kinds live in test/ only.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api';
import { createCore, type Core } from '../../src-main/core/core';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sources(rel);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [rel] : [];
  });
}

const product = ['src-main', 'src-renderer', 'shared'].flatMap(sources);

describe('what the contract lets a window queue', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hd-queue-contract-'));
  let core: Core | undefined;
  afterAll(async () => {
    await core?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has no generic enqueue: site.delete and ensure-line are refused, nothing is written', async () => {
    expect(Object.keys(api)).not.toContain('queue.enqueue');
    core = await createCore({ dataDir: path.join(dir, 'data'), homeDir: dir, keychain: memoryKeychain('unit test'), log: () => undefined });
    const server = await core.call('servers.add', { name: 'web1', host: '127.0.0.2', port: 2222, user: 'root', auth: { method: 'agent' }, roles: ['web'], tags: [] });
    expect(server.ok).toBe(true);
    const serverId = (server as { output: { id: string } }).output.id;
    for (const [kind, params] of [['site.delete', { site: 'shop', suspendedDir: '/etc/nginx/hostdeck-suspended' }], ['ensure-line', { path: '/tmp/x', line: 'x' }], ['db.drop', { site: 'shop', name: 'shop_db', user: 'shop_db', socket: null, defaultsFile: null }]] as const) {
      const r = await core.call('queue.enqueue', { serverId, kind, params });
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
    expect((await core.call('queue.list', { serverId })) as unknown).toMatchObject({ ok: true, output: { tasks: [] } });
    expect(readdirSync(path.join(dir, 'data'))).not.toContain('queue');
  });

  it('gives a new password only to a failed task that takes one, validated like the original', async () => {
    const password = api['queue.retryWithPassword'].input.safeParse({ serverId: '00000000-0000-4000-8000-000000000000', taskId: 't', password: 'short' });
    expect(password.success).toBe(false);
    expect(api['queue.retryWithPassword'].input.safeParse({ serverId: '00000000-0000-4000-8000-000000000000', taskId: 't', password: 'long enough, with spaces', kind: 'site.delete' }).success).toBe(false);
  });
});

describe('test task kinds', () => {
  const kindsIn = (files: string[]) => files.flatMap((file) => [...readFileSync(path.join(root, file), 'utf8').matchAll(/registerTaskKind\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!));
  const testKinds = kindsIn(sources('test'));

  it('are registered nowhere in src-* or shared/, which import nothing from test/', () => {
    expect(testKinds).toEqual(expect.arrayContaining(['ensure-line', 'fail-unless-file']));
    const registered = kindsIn(product);
    expect(registered.length).toBeGreaterThan(10);
    expect(registered.filter((name) => testKinds.includes(name))).toEqual([]);
    expect(product.filter((file) => /from\s+['"][./]*test\//.test(readFileSync(path.join(root, file), 'utf8')))).toEqual([]);
  });

  it('are not in the built app, where it is built', () => {
    const built = ['dist/host/serve.mjs', 'dist/electron/core-process.mjs'].map((f) => path.join(root, f)).filter((f) => existsSync(f));
    for (const file of built) for (const name of testKinds) expect(readFileSync(file, 'utf8'), file).not.toMatch(new RegExp(`['"\`]${name}['"\`]`));
  });
});
