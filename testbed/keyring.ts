// gnome-keyring (secrets component) for one test run. Must run inside a D-Bus session
// (scripts/test.ts re-execs itself under dbus-run-session).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { cmdline, findProcs, killAndWait, randomPassword } from './util';

const DAEMON = 'gnome-keyring-daemon';

/**
 * Start gnome-keyring-daemon with HOME=home (a fresh, throwaway home) and unlock a new login
 * keyring. Returns the variables the daemon prints (may be empty with --components=secrets),
 * to be merged into process.env. The D-Bus session address is taken from process.env.
 */
export async function startKeyring(home: string, opts: { runtimeDir?: string } = {}): Promise<Record<string, string>> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('startKeyring: no DBUS_SESSION_BUS_ADDRESS (run inside dbus-run-session)');
  }
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  if (opts.runtimeDir) env.XDG_RUNTIME_DIR = opts.runtimeDir;
  for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'GNOME_KEYRING_CONTROL']) delete env[k];
  const password = randomPassword();
  // Same as `echo -n PASS | gnome-keyring-daemon --unlock --components=secrets`: the daemon
  // forks, and the foreground process exits once the daemon is ready, printing its variables.
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(DAEMON, ['--unlock', '--components=secrets'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${DAEMON} exited ${code}: ${stderr}`))));
    child.stdin.end(password);
  });
  const vars: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2];
  }
  return vars;
}

/** The keyring daemons started for this home (matched through /proc/<pid>/environ). */
function keyringPids(home: string): number[] {
  return findProcs(DAEMON).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${home}`) && cmdline(pid).includes(DAEMON);
    } catch {
      return false;
    }
  });
}

export async function stopKeyring(home: string): Promise<void> {
  await Promise.all(keyringPids(home).map((pid) => killAndWait(pid, 5000)));
}
