// The core, in a utility process: started, restarted with backoff if it dies unexpectedly, and
// stopped cleanly on quit. It also brokers one MessagePort per loaded page between that page and
// the core — the only way a renderer reaches the core.
import { app, BrowserWindow, MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { CORE_ENTRY } from './paths';
import { isOwnRendererUrl } from './renderer-trust';

/** Channels main -> preload. The preload listens to these two and nothing else. */
const PORT_CHANNEL = 'hostdeck:port';
const CORE_EXITED_CHANNEL = 'hostdeck:core-exited';

let core: UtilityProcess | null = null;
let coreStartedAt = 0;
let restartDelayMs = 1000;
let rapidFailures = 0;
let restartTimer: NodeJS.Timeout | null = null;
/** Set once the app is quitting: from then on the core's exit is expected, not restarted. */
let quitting = false;

export function startCore(): void {
  restartTimer = null;
  const child = utilityProcess.fork(CORE_ENTRY, ['--data-dir', app.getPath('userData')], {
    serviceName: 'Hostdeck core',
    stdio: 'inherit',
  });
  core = child;
  coreStartedAt = Date.now();
  child.on('exit', (code) => {
    if (core !== child) return;
    core = null;
    if (quitting) return;
    console.error(`[hostdeck] the core process exited unexpectedly (code ${code}); restarting`);
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.webContents.isDestroyed()) win.webContents.send(CORE_EXITED_CHANNEL);
    }
    scheduleRestart();
  });
  // Windows that already have a page get a port to the new core; pages still loading get one
  // on did-finish-load.
  for (const win of BrowserWindow.getAllWindows()) {
    if (!win.webContents.isLoading()) brokerPort(win.webContents);
  }
}

function scheduleRestart(): void {
  const ranFor = Date.now() - coreStartedAt;
  if (ranFor > 60_000) {
    restartDelayMs = 1000;
    rapidFailures = 0;
  }
  rapidFailures += 1;
  if (rapidFailures > 6) {
    console.error('[hostdeck] the core keeps failing at start; not restarting it again. Check the log above and restart Hostdeck.');
    return;
  }
  const delay = restartDelayMs;
  restartDelayMs = Math.min(restartDelayMs * 2, 8000); // 1, 2, 4, 8, 8 … seconds
  restartTimer = setTimeout(startCore, delay);
}

/** Gives one loaded page a fresh MessagePort to the core (on first load, reload and core restart). */
export function brokerPort(contents: WebContents): void {
  if (!core || contents.isDestroyed()) return;
  // Only our own renderer ever gets a port to the core.
  if (!isOwnRendererUrl(contents.getURL())) return;
  const { port1, port2 } = new MessageChannelMain();
  core.postMessage({ type: 'connect' }, [port1]);
  contents.postMessage(PORT_CHANNEL, null, [port2]);
}

/** Called on every before-quit, so an exit from here on is never taken for a crash. */
export function noteQuitting(): void {
  quitting = true;
}

/** Asks the core to close (it flushes its stores and SSH sessions), then kills it if it lingers. */
export function stopCore(): Promise<void> {
  const child = core;
  if (restartTimer) clearTimeout(restartTimer);
  if (!child) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.postMessage({ type: 'shutdown' });
  });
}
