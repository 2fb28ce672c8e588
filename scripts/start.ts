// `npm start` (after the build): runs Hostdeck in Electron when Electron can run here, and
// otherwise serves the same UI in browser mode, saying in one line why.
//
// Electron 42+ npm packages ship without the binary and fetch it on first use; `require('electron')`
// would do that synchronously with no time limit, so the path is resolved here without it and
// the package's own download step (install.js) is run with a timeout instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const passThrough = process.argv.slice(2);
const DOWNLOAD_TIMEOUT_MS = 90_000;

type Found = { ok: true; binary: string } | { ok: false; reason: string; noDisplay?: boolean };

function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Where the electron package says its binary is (what its index.js computes), without downloading. */
function binaryPath(dir: string): string | null {
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  return relative ? path.join(dir, 'dist', relative) : null;
}

/** The last line of the installer's output that says something, trimmed to one line. */
function reasonFrom(output: string, fallback: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('Downloading'));
  const errorLine = lines.find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo|status code/i.test(l));
  let line = (errorLine ?? lines[lines.length - 1] ?? fallback).replace(/^(Type|Request|HTTP)?Error:\s*/, '');
  // undici hides the cause; offline this is what it means.
  if (/^fetch failed$/.test(line)) line = 'could not reach the download server (fetch failed)';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function findElectron(): Found {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset', noDisplay: true };
  }
  const dir = electronPackageDir();
  if (!dir) return { ok: false, reason: 'the electron package is not installed' };

  let binary = binaryPath(dir);
  if (!binary || !existsSync(binary)) {
    console.log(`Electron's binary is not downloaded yet; trying its installer (up to ${DOWNLOAD_TIMEOUT_MS / 1000} s)...`);
    const install = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: DOWNLOAD_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (install.error || install.status !== 0) {
      const why = install.error
        ? (install.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
          ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`
          : install.error.message
        : reasonFrom(`${install.stderr ?? ''}\n${install.stdout ?? ''}`, `installer exited with code ${install.status}`);
      return { ok: false, reason: `download failed: ${why}` };
    }
    binary = binaryPath(dir);
    if (!binary || !existsSync(binary)) return { ok: false, reason: 'download finished but the binary is still missing' };
  }

  // It exists; make sure it can start on this machine (missing shared libraries show up here).
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : reasonFrom(probe.stderr ?? '', `exit code ${probe.status}`);
    return { ok: false, reason: `it does not run here: ${why}` };
  }
  return { ok: true, binary };
}

/** Runs a child with our stdio, passes signals on, and exits with its code. */
function runInherited(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  const running = () => child.exitCode === null && child.signalCode === null;
  // Ctrl-C in a terminal already reaches the child (same process group), and a second SIGINT
  // would make Electron skip its graceful quit (which closes the core): pass SIGINT on only if
  // the child has not reacted to it by itself within 2 s.
  process.on('SIGINT', () => {
    setTimeout(() => running() && child.kill('SIGINT'), 2000).unref();
  });
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => running() && child.kill(signal));
  }
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function requireBuilt(file: string): void {
  if (!existsSync(path.join(root, file))) {
    console.error(`${file} is missing: run \`npm run build\` first (npm start does it for you).`);
    process.exit(1);
  }
}

const found = findElectron();
if (found.ok) {
  requireBuilt('dist/electron/main.cjs');
  const args = [root, ...passThrough];
  // Chromium refuses to run as root with its sandbox on. Our renderer sandbox (sandbox: true,
  // contextIsolation) stays, but the OS-level layer is off: say so rather than fail.
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    console.log('Running as root: starting Electron with --no-sandbox (the OS-level Chromium sandbox is unavailable to root).');
    args.unshift('--no-sandbox');
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  runInherited(found.binary, args, env);
} else {
  const what = found.noDisplay ? 'Electron cannot open a window here' : "Electron's binary is not available on this machine";
  console.log(`${what} (${found.reason}); serving Hostdeck in browser mode instead.`);
  requireBuilt('dist/host/serve.mjs');
  runInherited(process.execPath, [path.join(root, 'dist/host/serve.mjs'), ...passThrough]);
}
