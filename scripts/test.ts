// `npm test` (after the build): the whole suite against real servers on loopback.
//
//   tsx scripts/test.ts [--keep] [vitest args…]     e.g. `npm test -- test/integration/testbed`
//
// 1. re-exec under dbus-run-session (the keychain needs a D-Bus session of its own);
// 2. fresh HOME (.testbed/home-<run>) with gnome-keyring unlocked in it;
// 3. start the testbed (idempotent; reuses running servers);
// 4. vitest: unit + integration + e2e + slow + fresh-root (extra args forwarded), then the `final` project;
// 5. stop the testbed (unless --keep, or another run / the `npm run testbed` demo still uses it).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKeyring, stopKeyring } from '../testbed/keyring';
import { releaseTestbed, startTestbed, TESTBED_JSON } from '../testbed/testbed';
import { cmdline, descendants, REPO, RUNS } from '../testbed/util';

const SELF = fileURLToPath(import.meta.url);
const TSX_CLI = path.join(REPO, 'node_modules/tsx/dist/cli.mjs');
const VITEST_CLI = path.join(REPO, 'node_modules/vitest/vitest.mjs');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNUM: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

const log = (msg: string): void => console.log(`[test] ${msg}`);
const secs = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

// ---- 1. outer process: re-exec inside a private D-Bus session ----------------

function reexecUnderDbus(): void {
  const child = spawn('dbus-run-session', ['--', process.execPath, TSX_CLI, SELF, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, HOSTDECK_TEST_DBUS: '1' },
  });
  // dbus-run-session does not relay signals: pass them to its child (tsx relays them on).
  for (const sig of SIGNALS) {
    process.on(sig, () => {
      if (child.pid === undefined) return;
      // Its children: dbus-daemon and our tsx (which relays to this script); signal the latter.
      const ours = descendants(child.pid).filter((pid) => cmdline(pid).includes(SELF));
      for (const pid of ours.slice(0, 1)) {
        try {
          process.kill(pid, sig);
        } catch {
          /* gone */
        }
      }
    });
  }
  child.on('error', (e) => {
    console.error(`[test] cannot run dbus-run-session (apt install dbus-x11?): ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (SIGNUM[signal ?? ''] ?? 1)));
}

// ---- 2.–5. inner process ------------------------------------------------------

function runVitest(args: string[], onSpawn: (c: ChildProcess) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VITEST_CLI, ...args], { stdio: 'inherit', cwd: REPO, env: process.env });
    onSpawn(child);
    child.on('error', (e) => {
      console.error(`[test] vitest: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (SIGNUM[signal ?? ''] ?? 1)));
  });
}

function pruneOldRuns(): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(RUNS);
  } catch {
    return;
  }
  for (const name of entries) {
    if (!/^(home|data|secrets)-/.test(name)) continue;
    const full = path.join(RUNS, name);
    try {
      if (fs.statSync(full).mtimeMs < dayAgo) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      /* raced */
    }
  }
}

async function inner(): Promise<number> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('HOSTDECK_TEST_DBUS=1 but no D-Bus session address');
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  const vitestArgs = argv.filter((a) => a !== '--keep');

  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runId = `${stamp}-${process.pid}`;
  fs.mkdirSync(RUNS, { recursive: true, mode: 0o700 });
  pruneOldRuns();
  const home = path.join(RUNS, `home-${runId}`);
  const data = path.join(RUNS, `data-${runId}`);
  // The secrets the tests register for the final scan: beside the data folder, not in it.
  const secrets = path.join(RUNS, `secrets-${runId}`);
  // Unix socket paths are short: the runtime dir goes to /tmp whatever the checkout path.
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostdeck-run-'));
  fs.chmodSync(runtimeDir, 0o700);
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  fs.mkdirSync(secrets, { recursive: true, mode: 0o700 });

  Object.assign(process.env, {
    HOME: home,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    HOSTDECK_TEST_DATA: data,
    HOSTDECK_TEST_HOME: home,
    HOSTDECK_TEST_SECRETS: secrets,
    HOSTDECK_TESTBED: TESTBED_JSON,
  });
  delete process.env.SSH_AUTH_SOCK; // never the real user's agent
  delete process.env.GNOME_KEYRING_CONTROL;

  let child: ChildProcess | null = null;
  let interrupted: NodeJS.Signals | null = null;
  let leased = false;
  let cleaned: Promise<void> | null = null;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      if (leased && !keep) {
        const t = Date.now();
        try {
          const others = await releaseTestbed(runId);
          log(others.length ? `testbed left running for: ${others.join(', ')}` : `testbed stopped (${secs(Date.now() - t)})`);
        } catch (e) {
          console.error(`[test] testbed stop failed: ${(e as Error).message}`);
        }
      } else if (leased) log('testbed left running (--keep); stop it with `npm run testbed -- stop`');
      await stopKeyring(home).catch(() => {});
      fs.rmSync(runtimeDir, { recursive: true, force: true });
    })());

  for (const sig of SIGNALS) {
    process.on(sig, () => {
      if (interrupted) return;
      interrupted = sig;
      log(`${sig}: stopping`);
      // vitest and whatever its workers started (app servers, browsers): all our descendants
      // except the keyring (cleanup stops it after the testbed).
      const tree = descendants(process.pid).filter((pid) => !cmdline(pid).includes('gnome-keyring'));
      child?.kill('SIGTERM');
      for (const pid of tree) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
      // main() sees `interrupted` once the running phase ends; if it is stuck in a start-up
      // phase, cleanup still happens here.
      void cleanup().then(() => process.exit(128 + (SIGNUM[sig] ?? 1)));
    });
  }

  let code = 0;
  try {
    let t = Date.now();
    const vars = await startKeyring(home, { runtimeDir });
    Object.assign(process.env, vars);
    log(`keyring ready in ${home} (${secs(Date.now() - t)})`);

    t = Date.now();
    leased = true; // from here on, cleanup releases (and so stops) what was started, even on failure
    await startTestbed({ lease: { id: runId, pid: process.pid } });
    log(`testbed ready (${secs(Date.now() - t)}): ${TESTBED_JSON}`);
    if (interrupted) return 130;

    t = Date.now();
    const projects = ['--project', 'unit', '--project', 'integration', '--project', 'e2e', '--project', 'slow', '--project', 'fresh-root', '--project', 'stops-daemons'];
    code = await runVitest(['run', ...projects, '--passWithNoTests', ...vitestArgs], (c) => (child = c));
    log(`vitest unit+integration+e2e+slow+fresh-root+stops-daemons: exit ${code} (${secs(Date.now() - t)})`);
    if (interrupted) return 130;

    // The secret scan judges the data of the whole suite; a filtered run has too little of it.
    if (vitestArgs.length > 0) log('vitest final (secret scan) skipped: it needs the whole suite, and this run was filtered');
    else {
      t = Date.now();
      const finalCode = await runVitest(['run', '--project', 'final'], (c) => (child = c));
      log(`vitest final: exit ${finalCode} (${secs(Date.now() - t)})`);
      if (code === 0) code = finalCode;
    }
  } catch (e) {
    console.error(`[test] ${(e as Error).stack ?? String(e)}`);
    code = code || 1;
  } finally {
    await cleanup();
  }
  if (code === 0 && !keep) {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(secrets, { recursive: true, force: true });
  } else {
    log(`kept for inspection: ${home}, ${data} and ${secrets}`);
  }
  return code;
}

if (process.env.HOSTDECK_TEST_DBUS === '1') {
  const t0 = Date.now();
  inner().then(
    (code) => {
      log(`done: exit ${code} (${secs(Date.now() - t0)})`);
      process.exit(code);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  reexecUnderDbus();
}
