// Every way sysadmins log in, against real sshd variants of the testbed: password only,
// keyboard-interactive (one and two prompts, answered in the "UI"), key AND password, agent,
// an encrypted key whose passphrase is asked, and jump hosts (one hop, a chain of two, a loop).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuthPrompt, Server } from '../../shared/domain';
import { coreSuite, type TestCore } from '../helpers/core';
import { startAgent } from '../../testbed/testbed';

const suite = coreSuite();

type Target = { host: string; port: number; hostKeyLine: string };

const coreTrusting = (label: string, ...servers: Target[]) => suite.core(label, { trust: servers });

/** Answers login prompts the way a user would in the dialog; returns the prompts seen. */
function answerPrompts(t: TestCore, answer: (p: AuthPrompt) => { answers: string[]; remember?: boolean } | 'cancel'): AuthPrompt[] {
  const seen: AuthPrompt[] = [];
  t.core.subscribe((event, payload) => {
    if (event !== 'ssh.prompt') return;
    const prompt = payload as AuthPrompt;
    seen.push(prompt);
    const reply = answer(prompt);
    void (reply === 'cancel' ? t.call('ssh.cancelPrompt', { id: prompt.id }) : t.call('ssh.answerPrompt', { id: prompt.id, ...reply }));
  });
  return seen;
}

const add = (t: TestCore, name: string, target: Target, auth: object, extra: object = {}) =>
  t.call<Server>('servers.add', { name, host: target.host, port: target.port, user: 'hdtest', auth, roles: [], tags: [], ...extra });

describe('login methods', () => {
  it('password only', async () => {
    const t = await coreTrusting('pwonly', suite.tb.ssh.pwonly);
    const s = await add(t, 'pw', suite.tb.ssh.pwonly, { method: 'password' }, { secret: suite.tb.users.hdtest.password });
    expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    const keyOnly = await add(t, 'key', suite.tb.ssh.pwonly, { method: 'key', keyPath: suite.tb.keys.ed25519.path });
    const error = await t.fail('servers.test', { id: keyOnly.id });
    expect(error).toMatchObject({ code: 'auth-failed', message: 'The server refused the login (tried: publickey); check the user name and credentials.' });
  });

  it('keyboard-interactive: the prompt is shown and answered', async () => {
    const t = await coreTrusting('kbdint', suite.tb.ssh.kbdint);
    const seen = answerPrompts(t, () => ({ answers: [suite.tb.users.hdtest.password] }));
    const s = await add(t, 'kbd', suite.tb.ssh.kbdint, { method: 'keyboard-interactive' });
    expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    expect(seen.map((p) => p.prompts)).toEqual([[{ prompt: 'Password: ', echo: false }]]);
    expect(seen[0]).toMatchObject({ serverName: 'kbd', canRemember: false });
  });

  it('keyboard-interactive with a second (OTP) prompt', async () => {
    const t = await coreTrusting('kbdotp', suite.tb.ssh.kbdotp);
    const seen = answerPrompts(t, (p) => ({ answers: [p.prompts[0]!.prompt.startsWith('STRESS') ? suite.tb.ssh.kbdotp.otp : suite.tb.users.hdtest.password] }));
    const s = await add(t, 'otp', suite.tb.ssh.kbdotp, { method: 'keyboard-interactive' });
    expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    expect(seen.map((p) => p.prompts[0]!.prompt)).toEqual(['Password: ', 'STRESS Password: ']);
  });

  it('a cancelled prompt ends the login with a clear error', async () => {
    const t = await coreTrusting('kbdcancel', suite.tb.ssh.kbdint);
    answerPrompts(t, () => 'cancel');
    const s = await add(t, 'kbd', suite.tb.ssh.kbdint, { method: 'keyboard-interactive' });
    expect(await t.fail('servers.test', { id: s.id })).toMatchObject({ code: 'auth-failed', message: 'The login was cancelled.' });
  });

  it('key AND password (AuthenticationMethods publickey,password): the password is asked, then remembered', async () => {
    const t = await coreTrusting('keypw', suite.tb.ssh.keypw);
    const seen = answerPrompts(t, () => ({ answers: [suite.tb.users.hdtest.password], remember: true }));
    const s = await add(t, 'keypw', suite.tb.ssh.keypw, { method: 'key', keyPath: suite.tb.keys.ed25519.path });
    expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ canRemember: true, prompts: [{ prompt: 'Password:', echo: false }] });
    expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    expect(seen).toHaveLength(1); // remembered in the keychain: not asked again
  });

  it('an encrypted key whose passphrase is not stored: asked at login', async () => {
    const t = await coreTrusting('passphrase-prompt', suite.tb.ssh.web1);
    const seen = answerPrompts(t, () => ({ answers: [suite.tb.keys.ed25519Pass.passphrase!], remember: true }));
    const s = await add(t, 'enc', suite.tb.ssh.web1, { method: 'key-passphrase', keyPath: suite.tb.keys.ed25519Pass.path });
    expect(s.hasSecret).toBe(false);
    expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    expect(seen[0]?.title).toBe('Unlock the key for enc');
    expect((await t.call<Server[]>('servers.list', {}))[0]?.hasSecret).toBe(true);
  });

  it('ssh-agent', async () => {
    const agent = await startAgent();
    const before = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.sock;
    try {
      const t = await coreTrusting('agent', suite.tb.ssh.web1);
      const s = await add(t, 'agent', suite.tb.ssh.web1, { method: 'agent' });
      expect(await t.call('servers.test', { id: s.id })).toMatchObject({ status: 'connected' });
    } finally {
      if (before === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = before;
      await agent.stop();
    }
  });
});

describe('jump hosts', () => {
  const key = () => ({ method: 'key', keyPath: suite.tb.keys.ed25519.path });

  it('reaches a server only reachable through the jump host, and the route shows it', async () => {
    const t = await coreTrusting('jump', suite.tb.ssh.jump, suite.tb.ssh.inner);
    const direct = await add(t, 'inner-direct', suite.tb.ssh.inner, key());
    expect((await t.fail('servers.test', { id: direct.id })).code).toMatch(/refused|host-key-changed/);

    const jump = await add(t, 'jump', suite.tb.ssh.jump, key());
    const inner = await add(t, 'inner', suite.tb.ssh.inner, key(), { jumpHostId: jump.id });
    const marker = readFileSync(suite.tb.ssh.inner.logFile, 'utf8').length;
    expect(await t.call('servers.test', { id: inner.id })).toMatchObject({ status: 'connected', via: ['jump'] });
    // inner's sshd saw the connection come from its own loopback: the jump host's side.
    expect(readFileSync(suite.tb.ssh.inner.logFile, 'utf8').slice(marker)).toMatch(/Connection from 127\.0\.0\.1 port \d+/);
  });

  it('follows a chain of two jump hosts', async () => {
    const t = await coreTrusting('chain', suite.tb.ssh.web1, suite.tb.ssh.jump, suite.tb.ssh.inner);
    const first = await add(t, 'web1', suite.tb.ssh.web1, key());
    const second = await add(t, 'jump', suite.tb.ssh.jump, key(), { jumpHostId: first.id });
    const inner = await add(t, 'inner', suite.tb.ssh.inner, key(), { jumpHostId: second.id });
    expect(await t.call('servers.test', { id: inner.id })).toMatchObject({ status: 'connected', via: ['web1', 'jump'] });
  });

  it('refuses jump hosts that form a loop', async () => {
    const t = await coreTrusting('loop', suite.tb.ssh.web1);
    const a = await add(t, 'a', suite.tb.ssh.web1, key());
    const b = await add(t, 'b', suite.tb.ssh.web1, key(), { jumpHostId: a.id });
    await t.call('servers.update', { id: a.id, server: { name: 'a', host: suite.tb.ssh.web1.host, port: suite.tb.ssh.web1.port, user: 'hdtest', auth: key(), roles: [], tags: [], jumpHostId: b.id } });
    expect(await t.fail('servers.test', { id: a.id })).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('loop') });
  });
});
