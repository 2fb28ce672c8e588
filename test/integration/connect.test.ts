// The inventory and the first connection against the real sshd of the testbed: host-key
// trust on first use, pins, known_hosts (hashed, @revoked), every auth method of issue 2,
// clear errors, and nothing saved on bad input.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core/core';
import type { Server } from '../../shared/domain';
import type { AppErrorShape } from '../../shared/errors';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';
import { freshDataDir, freshHome } from '../helpers/env';
import { TEST_SECRETS } from '../helpers/secrets';

let tb: TestbedInfo;
const cores: Core[] = [];
beforeAll(() => {
  tb = loadTestbed();
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

async function makeCore(label: string, home = freshHome(label)) {
  const dataDir = freshDataDir(label);
  const core = await createCore({ dataDir, homeDir: home, log: () => undefined });
  cores.push(core);
  const call = async <T = unknown>(method: string, input: unknown): Promise<T> => {
    const r = await core.call(method, input);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { shape: r.error });
    return r.output as T;
  };
  const fail = async (method: string, input: unknown): Promise<AppErrorShape> => {
    const r = await core.call(method, input);
    if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
    return r.error;
  };
  return { core, call, fail, dataDir, home };
}

const web1 = () => ({ host: tb.ssh.web1.host, port: tb.ssh.web1.port });
const keyServer = (name: string, keyPath = tb.keys.ed25519.path) => ({ name, ...web1(), user: 'hdtest', auth: { method: 'key', keyPath }, roles: ['web'], tags: ['test'] });

function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('first connection', () => {
  it('asks about an unknown key, pins exactly that key, then shows uname and uptime', async () => {
    const { call, fail } = await makeCore('tofu');
    const server = await call<Server>('servers.add', keyServer('web1'));
    const first = await call<{ status: string; hostKey: { fingerprint: string; keyType: string } }>('servers.test', { id: server.id });
    expect(first).toEqual({ status: 'host-key-unknown', hostKey: { keyType: 'ssh-ed25519', fingerprint: tb.ssh.web1.hostKeyFingerprint } });

    expect((await fail('servers.trustHostKey', { id: server.id, fingerprint: 'SHA256:somethingelse' })).code).toBe('conflict');
    await call('servers.trustHostKey', { id: server.id, fingerprint: first.hostKey.fingerprint });

    const second = await call<{ status: string; uname: string; uptime: string; trustedBy: string }>('servers.test', { id: server.id });
    expect(second.status).toBe('connected');
    expect(second.trustedBy).toBe('pin');
    expect(second.uname).toMatch(/^Linux /);
    expect(second.uptime).toMatch(/load average/);
  });

  it('trusts a key found in ~/.ssh/known_hosts (hashed entry, [host]:port)', async () => {
    const home = freshHome('kh');
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `${hashedName(`[${tb.ssh.web1.host}]:${tb.ssh.web1.port}`)} ${tb.ssh.web1.hostKeyLine}\n`);
    const { call } = await makeCore('kh', home);
    const server = await call<Server>('servers.add', keyServer('web1'));
    const result = await call<{ status: string; trustedBy: string }>('servers.test', { id: server.id });
    expect(result).toMatchObject({ status: 'connected', trustedBy: 'known_hosts' });
  });

  it('refuses a changed key with both fingerprints, and runs nothing', async () => {
    const home = freshHome('changed');
    const other = path.join(home, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherLine = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const otherFp = execFileSync('ssh-keygen', ['-lf', `${other}.pub`], { encoding: 'utf8' }).split(' ')[1];
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${tb.ssh.web1.host}]:${tb.ssh.web1.port} ${otherLine}\n`);
    const { call, fail } = await makeCore('changed', home);
    const server = await call<Server>('servers.add', keyServer('web1'));
    const error = await fail('servers.test', { id: server.id });
    expect(error.code).toBe('host-key-changed');
    expect(error.message).toMatch(/has changed/);
    expect(error.data).toMatchObject({
      expected: { keyType: 'ssh-ed25519', fingerprint: otherFp },
      actual: { keyType: 'ssh-ed25519', fingerprint: tb.ssh.web1.hostKeyFingerprint },
      source: 'known_hosts',
    });
  });

  it('refuses a key marked @revoked', async () => {
    const home = freshHome('revoked');
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `@revoked * ${tb.ssh.web1.hostKeyLine}\n`);
    const { call, fail } = await makeCore('revoked', home);
    const server = await call<Server>('servers.add', keyServer('web1'));
    expect((await fail('servers.test', { id: server.id })).code).toBe('host-key-revoked');
  });
});

describe('authentication', () => {
  async function trusted(label: string) {
    const home = freshHome(label);
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${tb.ssh.web1.host}]:${tb.ssh.web1.port} ${tb.ssh.web1.hostKeyLine}\n`);
    return makeCore(label, home);
  }

  it.each(['ed25519', 'rsa', 'ecdsa'] as const)('logs in with an %s key', async (kind) => {
    const { call } = await trusted(`key-${kind}`);
    const server = await call<Server>('servers.add', keyServer(`k-${kind}`, tb.keys[kind].path));
    expect(await call('servers.test', { id: server.id })).toMatchObject({ status: 'connected' });
  });

  it('logs in with a password kept in the keychain, not in the inventory file', async () => {
    const { call, dataDir } = await trusted('password');
    const server = await call<Server>('servers.add', { ...keyServer('pw'), auth: { method: 'password' }, secret: tb.users.hdtest.password });
    expect(server.hasSecret).toBe(true);
    expect(await call('servers.test', { id: server.id })).toMatchObject({ status: 'connected' });
    expect(readFileSync(path.join(dataDir, 'inventory.json'), 'utf8')).not.toContain(tb.users.hdtest.password);
  });

  it.runIf(process.env.HOSTDECK_TEST_DBUS === '1')('stores the password in the OS keychain (gnome-keyring via keytar\'s API)', async () => {
    const { call } = await trusted('keychain');
    expect(await call('app.info', {})).toMatchObject({ keychain: 'os', keychainNote: null });
    const server = await call<Server>('servers.add', { ...keyServer('kc'), auth: { method: 'password' }, secret: tb.users.hdtest.password });
    const keytar = await import('@napi-rs/keyring/keytar.js');
    expect(await keytar.getPassword('Hostdeck', `server:${server.id}`)).toBe(tb.users.hdtest.password);
    await call('servers.remove', { id: server.id });
    expect(await keytar.getPassword('Hostdeck', `server:${server.id}`)).toBeNull();
  });

  it('unlocks an encrypted key with its passphrase; a wrong passphrase is a field error and saves nothing', async () => {
    const { call, fail } = await trusted('passphrase');
    const input = { ...keyServer('pp'), auth: { method: 'key-passphrase', keyPath: tb.keys.ed25519Pass.path } };
    const wrong = await fail('servers.add', { ...input, secret: TEST_SECRETS.wrongPassphrase });
    expect(wrong.code).toBe('invalid-input');
    expect(wrong.fields).toEqual({ secret: 'The passphrase does not unlock this key' });
    expect(await call('servers.list', {})).toEqual([]);
    const server = await call<Server>('servers.add', { ...input, secret: tb.keys.ed25519Pass.passphrase });
    expect(await call('servers.test', { id: server.id })).toMatchObject({ status: 'connected' });
  });

  it('reports a refused login clearly', async () => {
    const { call, fail } = await trusted('authfail');
    const server = await call<Server>('servers.add', { ...keyServer('bad-pw'), auth: { method: 'password' }, secret: TEST_SECRETS.wrongPassword });
    const error = await fail('servers.test', { id: server.id });
    expect(error.code).toBe('auth-failed');
    expect(error.message).toMatch(/^The server refused the login \(tried: password(, keyboard-interactive)?\); check the user name and credentials\.$/);
    expect(JSON.stringify(error)).not.toContain(TEST_SECRETS.wrongPassword);
  });
});

describe('clear errors and nothing saved', () => {
  it('says when the port is closed', async () => {
    const { call, fail } = await makeCore('refused');
    const server = await call<Server>('servers.add', { ...keyServer('closed'), port: 1 });
    const error = await fail('servers.test', { id: server.id });
    expect(error.code).toBe('refused');
    expect(error.message).toBe('127.0.0.2:1 refused the connection; is sshd running on that port?');
  });

  it('says when the host name does not resolve', async () => {
    const { call, fail } = await makeCore('dns');
    const server = await call<Server>('servers.add', { ...keyServer('nowhere'), host: 'no-such-host.invalid' });
    expect((await fail('servers.test', { id: server.id })).code).toBe('dns');
  });

  it('rejects bad fields one by one and saves nothing', async () => {
    const { call, fail, dataDir } = await makeCore('invalid');
    const error = await fail('servers.add', { ...keyServer('x\ny'), host: '', port: 70000, auth: { method: 'key', keyPath: '/nonexistent/key' } });
    expect(error.code).toBe('invalid-input');
    expect(Object.keys(error.fields ?? {}).sort()).toEqual(['host', 'name', 'port']);
    const keyError = await fail('servers.add', keyServer('nokey', '/nonexistent/key'));
    expect(keyError.fields).toEqual({ 'auth.keyPath': 'This file does not exist' });
    const dirError = await fail('servers.add', keyServer('dirkey', dataDir));
    expect(dirError.fields).toEqual({ 'auth.keyPath': 'This file is a folder' });
    expect(await call('servers.list', {})).toEqual([]);
  });

  it('refuses a duplicate name', async () => {
    const { call, fail } = await makeCore('dup');
    await call('servers.add', keyServer('same'));
    expect((await fail('servers.add', keyServer('SAME'))).fields).toEqual({ name: 'Another server already has this name' });
  });

  it('edits and removes a server; removal deletes its secret', async () => {
    const { call } = await makeCore('edit');
    const server = await call<Server>('servers.add', { ...keyServer('e1'), auth: { method: 'password' }, secret: TEST_SECRETS.edited });
    const edited = await call<Server>('servers.update', { id: server.id, server: { ...keyServer('e1-renamed'), auth: { method: 'password' } } });
    expect(edited).toMatchObject({ name: 'e1-renamed', hasSecret: true });
    await call('servers.remove', { id: server.id });
    expect(await call('servers.list', {})).toEqual([]);
  });
});

describe('~/.ssh/config import', () => {
  it('imports hosts with HostName, Port, User and IdentityFile, then connects', async () => {
    const home = freshHome('sshconfig');
    writeFileSync(
      path.join(home, '.ssh', 'config'),
      `Host demo\n  HostName ${tb.ssh.web1.host}\n  Port ${tb.ssh.web1.port}\n  User hdtest\n  IdentityFile ${tb.keys.ed25519.path}\n\nHost *.wild\n  User x\n`,
    );
    const { call } = await makeCore('sshconfig', home);
    const preview = await call<{ candidates: { alias: string }[] }>('sshConfig.preview', {});
    expect(preview.candidates.map((c) => c.alias)).toEqual(['demo']);
    const result = await call<{ added: Server[] }>('sshConfig.import', { aliases: ['demo'] });
    expect(result.added[0]).toMatchObject({ name: 'demo', host: tb.ssh.web1.host, port: tb.ssh.web1.port, user: 'hdtest', auth: { method: 'key', keyPath: tb.keys.ed25519.path } });
    expect(await call('servers.test', { id: result.added[0]!.id })).toMatchObject({ status: 'host-key-unknown' });
  });
});
