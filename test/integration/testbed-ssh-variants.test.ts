// The testbed's sshd variants, checked with ssh2 directly (no Hostdeck code): one auth method each
// (pwonly, kbdint, kbdotp, keypw), the ssh-agent helper, the jump host with a server only reachable
// through it, and the benchmark fleet.
import { readFileSync, statSync } from 'node:fs';
import * as fs from 'node:fs';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, Client, ClientChannel, ConnectConfig, Prompt } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from '../helpers/banner';
import { loadTestbed, startAgent, startFleet, stopFleet, type AgentHandle, type SshInfo, type TestbedInfo } from '../../testbed/testbed';

let tb: TestbedInfo;
let privateKey: Buffer;
const user = 'hdtest';
const clients: Client[] = [];

beforeAll(() => {
  tb = loadTestbed();
  privateKey = readFileSync(tb.keys.ed25519.path);
});

afterAll(() => {
  for (const c of clients) c.end();
});

const blobOf = (keyLine: string): Buffer => Buffer.from(keyLine.split(' ')[1] ?? '', 'base64');

interface AuthCall {
  methodsLeft: AuthenticationType[] | null;
  partialSuccess: boolean;
}

/**
 * Connect with a scripted authHandler: each call takes the next step (false: give up), and what the
 * server said (methods left, partial success) is recorded. The host key must be the server's.
 */
function open(
  server: Pick<SshInfo, 'host' | 'port' | 'hostKeyLine'>,
  steps: (AnyAuthMethod | false)[],
  extra: Partial<ConnectConfig> = {},
): { ready: Promise<Client>; calls: AuthCall[] } {
  const calls: AuthCall[] = [];
  const queue = [...steps];
  const client = new ssh2.Client();
  clients.push(client);
  const ready = new Promise<Client>((resolve, reject) => {
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.connect({
      host: server.host,
      port: server.port,
      username: user,
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => key.equals(blobOf(server.hostKeyLine)),
      authHandler: (methodsLeft, partialSuccess, next) => {
        calls.push({ methodsLeft, partialSuccess });
        // ssh2 takes `false` for "no more methods" (its types do not say so).
        next((queue.shift() ?? false) as AnyAuthMethod);
      },
      ...extra,
    });
  });
  return { ready, calls };
}

function exec(client: Client, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream: ClientChannel) => {
      if (err) return reject(err);
      let out = '';
      stream.on('data', (d: Buffer) => (out += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (out += d.toString()));
      stream.on('close', () => resolve(out));
    });
  });
}

const key = (): AnyAuthMethod => ({ type: 'publickey', username: user, key: privateKey });
const password = (pw = tb.users.hdtest.password): AnyAuthMethod => ({ type: 'password', username: user, password: pw });
/** keyboard-interactive answering each round from `answers` (one per prompt), recording the prompts. */
function kbd(answers: string[][], seen: Prompt[][]): AnyAuthMethod {
  return {
    type: 'keyboard-interactive',
    username: user,
    prompt: (_name, _instructions, _lang, prompts, finish) => {
      seen.push(prompts);
      finish(answers.shift() ?? prompts.map(() => ''));
    },
  };
}

const refused = /All configured authentication methods failed/;

describe('testbed sshd variants', () => {
  it('every variant has its own host key, and TestbedInfo describes them', () => {
    const names = ['web1', 'web2', 'pwonly', 'kbdint', 'kbdotp', 'keypw', 'jump', 'inner'] as const;
    for (const n of names) {
      expect(tb.ssh[n].hostKeyFingerprint, n).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(tb.ssh[n].hostKeyLine, n).toMatch(/^ssh-ed25519 AAAA\S+$/);
    }
    expect(new Set(names.map((n) => tb.ssh[n].hostKeyLine)).size).toBe(names.length);
    expect(tb.ssh.jump).toMatchObject({ host: '10.231.0.2', port: 22, netns: 'hd-jump' });
    expect(tb.ssh.inner).toMatchObject({ host: '127.0.0.1', port: 2223, netns: 'hd-jump', via: 'jump' });
    expect(statSync(tb.ssh.inner.logFile).isFile()).toBe(true);
    expect(tb.ssh.kbdint.prompts).toEqual(['Password: ']);
    expect(tb.ssh.kbdotp.prompts).toEqual(['Password: ', 'STRESS Password: ']);
    expect(tb.ssh.kbdotp.otp).toMatch(/^\d{6}$/);
  });

  it('pwonly: a key alone is refused (only password offered); the password is accepted', async () => {
    const keyOnly = open(tb.ssh.pwonly, [key()]);
    await expect(keyOnly.ready).rejects.toThrow(refused);
    expect(keyOnly.calls.at(-1)?.methodsLeft).toEqual(['password']);

    const pw = open(tb.ssh.pwonly, [password()]);
    expect(await exec(await pw.ready, 'id -un')).toBe('hdtest\n');
  });

  it('kbdint: one PAM prompt "Password: " (echo off); hdtest\'s password logs in', async () => {
    const noPw = open(tb.ssh.kbdint, [password()]);
    await expect(noPw.ready).rejects.toThrow(refused);
    expect(noPw.calls.at(-1)?.methodsLeft).toEqual(['keyboard-interactive']);

    const seen: Prompt[][] = [];
    const ok = open(tb.ssh.kbdint, [kbd([[tb.users.hdtest.password]], seen)]);
    expect(await exec(await ok.ready, 'id -un')).toBe('hdtest\n');
    expect(seen).toEqual([[{ prompt: 'Password: ', echo: false }]]);
  });

  it('kbdotp: "Password: " then "STRESS Password: " (the OTP); a wrong OTP is refused', async () => {
    const seen: Prompt[][] = [];
    const ok = open(tb.ssh.kbdotp, [kbd([[tb.users.hdtest.password], [tb.ssh.kbdotp.otp]], seen)]);
    expect(await exec(await ok.ready, 'id -un')).toBe('hdtest\n');
    expect(seen).toEqual([[{ prompt: 'Password: ', echo: false }], [{ prompt: 'STRESS Password: ', echo: false }]]);

    const wrongOtp = String((Number(tb.ssh.kbdotp.otp) + 1) % 1_000_000).padStart(6, '0');
    const bad = open(tb.ssh.kbdotp, [kbd([[tb.users.hdtest.password], [wrongOtp]], [])]);
    await expect(bad.ready).rejects.toThrow(refused);
  });

  it('keypw: the key alone is a partial success (password still required); key + password log in', async () => {
    const pwFirst = open(tb.ssh.keypw, [password()]);
    await expect(pwFirst.ready).rejects.toThrow(refused);
    expect(pwFirst.calls.at(-1)).toEqual({ methodsLeft: ['publickey'], partialSuccess: false });

    const keyAlone = open(tb.ssh.keypw, [key()]);
    await expect(keyAlone.ready).rejects.toThrow(refused);
    expect(keyAlone.calls.at(-1)).toEqual({ methodsLeft: ['password'], partialSuccess: true });

    const both = open(tb.ssh.keypw, [key(), password()]);
    expect(await exec(await both.ready, 'id -un')).toBe('hdtest\n');
    expect(both.calls.map((c) => c.partialSuccess === true)).toEqual([false, true]);
  });
});

describe('testbed ssh-agent', () => {
  let agent: AgentHandle | undefined;
  afterAll(async () => agent?.stop());

  it('startAgent() holds the ed25519 key: web1 accepts `agent: sock`; stop() removes it', async () => {
    agent = await startAgent();
    expect(agent.pid).toBeGreaterThan(1);
    const client = new ssh2.Client();
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.on('ready', resolve).on('error', reject);
      client.connect({
        host: tb.ssh.web1.host,
        port: tb.ssh.web1.port,
        username: user,
        agent: agent!.sock,
        readyTimeout: 15_000,
        hostVerifier: (k: Buffer) => k.equals(blobOf(tb.ssh.web1.hostKeyLine)),
      });
    });
    expect(await exec(client, 'echo ok')).toBe('ok\n');
    await agent.stop();
    expect(fs.existsSync(agent.sock)).toBe(false);
    expect(() => process.kill(agent!.pid, 0)).toThrow();
    agent = undefined;
  });
});

describe('testbed jump host', () => {
  it('inner is reached through jump (forwardOut to 127.0.0.1:2223); its log shows 127.0.0.1', async () => {
    const logBefore = statSync(tb.ssh.inner.logFile).size;
    const jump = await open(tb.ssh.jump, [key()]).ready;
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      jump.forwardOut('127.0.0.1', 0, tb.ssh.inner.host, tb.ssh.inner.port, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const inner = await open(tb.ssh.inner, [key()], { sock: stream }).ready;
    expect(await exec(inner, 'echo ok')).toBe('ok\n');
    // sshd's view of the connection: from the jump host's loopback to inner's.
    expect((await exec(inner, 'echo $SSH_CONNECTION')).trim()).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 2223$/);
    inner.end();
    const log = readFileSync(tb.ssh.inner.logFile, 'utf8').slice(logBefore);
    expect(log).toMatch(/Connection from 127\.0\.0\.1 port \d+ on 127\.0\.0\.1 port 2223/);
    expect(log).toMatch(/Accepted publickey for hdtest from 127\.0\.0\.1/);
  });

  it('127.0.0.1:2223 from the test process does not reach inner', async () => {
    const direct = await new Promise<{ refused: true } | { hostKey: Buffer | null }>((resolve) => {
      const sock = net.connect({ host: tb.ssh.inner.host, port: tb.ssh.inner.port });
      sock.once('error', () => resolve({ refused: true }));
      sock.once('connect', () => {
        // Something listens here (not the testbed): whatever it is, it must not present inner's key.
        sock.destroy();
        const c = new ssh2.Client();
        let seen: Buffer | null = null;
        c.on('error', () => resolve({ hostKey: seen }));
        c.on('ready', () => (c.end(), resolve({ hostKey: seen })));
        c.connect({ host: tb.ssh.inner.host, port: tb.ssh.inner.port, username: user, readyTimeout: 5000, hostVerifier: (k: Buffer) => ((seen = k), false) });
      });
    });
    if ('hostKey' in direct) expect(direct.hostKey?.equals(blobOf(tb.ssh.inner.hostKeyLine)) ?? false).toBe(false);
    else expect(direct.refused).toBe(true);
  });
});

describe('testbed fleet', () => {
  afterAll(() => stopFleet());

  it('startFleet(5): five sshds answer (one shared host key), a key logs in; stopFleet() stops them', async () => {
    const fleet = await startFleet(5);
    expect(fleet.map((s) => `${s.host}:${s.port}`)).toEqual([1, 2, 3, 4, 5].map((i) => `127.0.2.${i}:2222`));
    expect(new Set(fleet.map((s) => s.hostKeyLine)).size).toBe(1);
    for (const s of fleet) expect(await banner(s.host, s.port)).toMatch(/^SSH-2\.0-OpenSSH/);
    const c = await open(fleet[4]!, [key()]).ready;
    expect(await exec(c, 'echo ok')).toBe('ok\n');
    c.end();
    await stopFleet();
    for (const s of fleet) await expect(banner(s.host, s.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
