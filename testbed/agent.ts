// A test-scoped ssh-agent: startAgent() runs `ssh-agent -D -a <socket>` (socket in a fresh directory
// under the system temp dir: unix socket paths are short) and ssh-adds the client key(s).
// No global state: each call gets its own agent; the caller stops it (stopTestbed also kills
// agents left behind by crashed tests).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProcs, killAndWait, p, run, sleep, waitFor } from './util';

export interface AgentHandle {
  /** SSH_AUTH_SOCK of this agent. */
  sock: string;
  pid: number;
  /** Kill the agent, remove its socket directory. */
  stop(): Promise<void>;
}

const PREFIX = 'hostdeck-agent-';

/** Default key: the testbed's unencrypted ed25519 client key (TestbedInfo.keys.ed25519). */
export async function startAgent(opts: { keys?: string[] } = {}): Promise<AgentHandle> {
  const keys = opts.keys ?? [p('keys', 'id_ed25519')];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  const sock = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  let exited: string | null = null;
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const reaped = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `exited ${code ?? signal}`;
      resolve();
    });
    child.on('error', (e) => {
      exited = e.message;
      resolve();
    });
  });
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    if (pid !== undefined) {
      await killAndWait(pid, 5000);
      // Our child: gone for good once Node has reaped it (until then it is a zombie with its pid).
      await Promise.race([reaped, sleep(2000)]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (pid === undefined) throw new Error('ssh-agent did not start');
    await waitFor('ssh-agent socket', () => fs.existsSync(sock), { timeoutMs: 10_000, intervalMs: 5, abort: () => exited, detail: () => stderr });
    const env: NodeJS.ProcessEnv = { ...process.env, SSH_AUTH_SOCK: sock };
    delete env.SSH_AGENT_PID;
    await run('ssh-add', ['-q', ...keys], { env, timeoutMs: 15_000 });
    return { sock, pid, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Agents of startAgent() still running. */
export const strayAgents = (): number[] => findProcs('ssh-agent', '-D', path.join(os.tmpdir(), PREFIX));

/** Kill agents of startAgent() that nobody stopped (their socket dirs go with them). */
export async function stopStrayAgents(): Promise<void> {
  const pids = strayAgents();
  await Promise.all(pids.map((pid) => killAndWait(pid, 5000)));
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}
