// The core's entry in Electron: runs in a utilityProcess started by main.ts. Every window gets its
// own MessagePort (brokered by the main process) and is attached to the one core with
// attachWindow — the same adapter the browser-mode WebSocket host uses.
// Must not import 'electron': process.parentPort is a global of the utility process.
import { attachWindow } from '../core/attach-window';
import { createCore } from '../core/core';

/** The slice of Electron's MessagePortMain this file uses. */
interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** The slice of Electron's ParentPort this file uses. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

function argValue(name: string): string | undefined {
  const args = process.argv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike | null }).parentPort;
if (!parentPort) {
  console.error('core-process.mjs runs only inside Hostdeck (an Electron utility process). For a browser, run: node dist/host/serve.mjs');
  process.exit(2);
}

const dataDir = argValue('--data-dir');
if (!dataDir) {
  console.error('core-process: --data-dir <folder> is required');
  process.exit(2);
}

const ready = createCore({ dataDir });
ready.catch((error: unknown) => {
  console.error('[hostdeck core] failed to start:', error);
  process.exit(1);
});

const windows = new Set<{ detach(): void; port: PortLike }>();
let closing = false;

async function shutdown(code = 0): Promise<void> {
  if (closing) return;
  closing = true;
  for (const w of windows) {
    w.detach();
    w.port.close();
  }
  windows.clear();
  try {
    await (await ready).close();
  } catch (error) {
    console.error('[hostdeck core] error while closing:', error);
    code = code || 1;
  }
  process.exit(code);
}

async function connect(port: PortLike): Promise<void> {
  const core = await ready;
  if (closing) {
    port.close();
    return;
  }
  const handle = attachWindow(core, (message) => port.postMessage(message));
  const entry = { detach: handle.detach, port };
  windows.add(entry);
  port.on('message', (event) => handle.receive(event.data));
  port.on('close', () => {
    handle.detach();
    windows.delete(entry);
  });
  // Messages the window sent before the core was ready waited in the port until now.
  port.start();
}

parentPort.on('message', (event) => {
  const message = event.data as { type?: unknown } | null;
  if (message?.type === 'connect') {
    const port = event.ports[0];
    if (port) void connect(port);
  } else if (message?.type === 'shutdown') {
    void shutdown(0);
  }
});

process.on('SIGTERM', () => void shutdown(0));
// Ctrl-C in the terminal reaches the whole process group; the main process turns it into a
// graceful quit that sends 'shutdown' here. Exiting on our own would look like a crash to it.
process.on('SIGINT', () => {});
