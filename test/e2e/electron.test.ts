// The Electron shell end to end: the real binary, the built app (dist/electron + dist/renderer),
// the core in its utility process. Runs where Electron's binary is present and can open a
// window; elsewhere it is skipped and says why (browser mode is covered by the other e2e tests).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../helpers/env';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Electron's binary path as its package computes it — without its download-on-first-use. */
function electronBinary(): { binary?: string; reason?: string } {
  let dir: string;
  try {
    dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? path.join(override, relative || 'electron') : relative ? path.join(dir, 'dist', relative) : '';
  if (!binary || !existsSync(binary)) {
    return { reason: "Electron's binary is not on this machine (Electron 42+ downloads it on first run, and that download is not possible here)" };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset; run under Xvfb)' };
  }
  if (!existsSync(path.join(root, 'dist', 'electron', 'main.cjs'))) {
    return { reason: 'the app is not built (run npm run build)' };
  }
  return { binary };
}

const { binary, reason } = electronBinary();
if (!binary) console.log(`[e2e] Electron shell test skipped: ${reason}.`);

describe('Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (!binary) return;
    // Under $HOSTDECK_TEST_DATA, and kept: the final secret scan reads what Electron wrote there.
    const dataDir = freshDataDir('electron');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    app = await _electron.launch({
      executablePath: binary,
      args: ['.'],
      cwd: root,
      env: { ...env, HOSTDECK_DATA_DIR: dataDir },
      timeout: 30_000,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    if (app) await app.close();
  });

  it.skipIf(!binary)('opens one Hostdeck window on our own app:// page', async () => {
    const titles = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
    expect(titles).toHaveLength(1);
    expect(titles[0]).toContain('Hostdeck');
    expect(page.url()).toMatch(/^app:\/\/hostdeck\//);
  });

  it.skipIf(!binary)('exposes only the narrow transport, and no Node to the page', async () => {
    const surface = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const bridge = w.hostdeck as Record<string, unknown> | undefined;
      return {
        keys: bridge ? Object.keys(bridge).sort() : null,
        types: bridge ? [typeof bridge.send, typeof bridge.onMessage] : null,
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        electron: typeof w.electron,
        ipcRenderer: typeof w.ipcRenderer,
      };
    });
    expect(surface.keys).toEqual(['onMessage', 'send']);
    expect(surface.types).toEqual(['function', 'function']);
    expect(surface.require).toBe('undefined');
    expect(surface.process).toBe('undefined');
    expect(surface.module).toBe('undefined');
    expect(surface.electron).toBe('undefined');
    expect(surface.ipcRenderer).toBe('undefined');
  });

  it.skipIf(!binary)('reaches the core through the brokered port, and rejects malformed calls', async () => {
    const result = await page.evaluate(
      () =>
        new Promise<{ reply: unknown; malformed: string }>((resolve, reject) => {
          const bridge = window.hostdeck!;
          let malformed = 'accepted';
          try {
            bridge.send({ kind: 'call', id: 'x', method: 1 } as never);
          } catch (error) {
            malformed = String(error);
          }
          const id = 424242;
          bridge.onMessage((message) => {
            if (message.kind === 'result' && message.id === id) resolve({ reply: message, malformed });
          });
          bridge.send({ kind: 'call', id, method: 'no.such.method', input: {} });
          setTimeout(() => reject(new Error('no answer from the core within 15 s')), 15_000);
        }),
    );
    expect(result.malformed).toMatch(/expects/);
    expect(result.reply).toMatchObject({ kind: 'result', id: 424242, ok: false, error: { code: 'unknown-method' } });
  });

  it.skipIf(!binary)('serves the page with the strict CSP, and blocks new windows and navigation', async () => {
    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");

    const opened = await page.evaluate(() => window.open('https://example.invalid/') === null);
    expect(opened).toBe(true);
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'https://example.invalid/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});
