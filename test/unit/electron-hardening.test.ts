// Static checks of the Electron shell's security settings, so a regression fails here even on
// machines without the Electron binary (where the Electron e2e test is skipped).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
/** Source without comments, so a commented-out setting does not count. */
const code = (file: string) =>
  read(file)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const main = code('src-main/electron/main.ts');
const preload = code('src-main/electron/preload.ts');
const coreProcess = code('src-main/electron/core-process.ts');

describe('Electron main process hardening (src-main/electron/main.ts)', () => {
  it('creates windows with context isolation, sandbox, no Node integration and web security', () => {
    const prefs = main.match(/webPreferences:\s*\{([\s\S]*?)\}/)?.[1] ?? '';
    expect(prefs, 'BrowserWindow webPreferences block').not.toBe('');
    expect(prefs).toMatch(/contextIsolation:\s*true/);
    expect(prefs).toMatch(/sandbox:\s*true/);
    expect(prefs).toMatch(/nodeIntegration:\s*false/);
    expect(prefs).toMatch(/webSecurity:\s*true/);
    expect(prefs).toMatch(/webviewTag:\s*false/);
    expect(prefs).toMatch(/preload:\s*PRELOAD/);
    // Nothing anywhere turns them the other way.
    expect(main).not.toMatch(/contextIsolation:\s*false/);
    expect(main).not.toMatch(/sandbox:\s*false/);
    expect(main).not.toMatch(/nodeIntegration\w*:\s*true/);
    expect(main).not.toMatch(/webSecurity:\s*false/);
    expect(main).not.toMatch(/allowRunningInsecureContent:\s*true/);
    expect(main).toMatch(/app\.enableSandbox\(\)/);
  });

  it('denies every new window and prevents navigation, for every webContents', () => {
    expect(main).toMatch(/app\.on\(\s*'web-contents-created'/);
    expect(main).toMatch(/setWindowOpenHandler\(\s*\(\)\s*=>\s*\(\{\s*action:\s*'deny'\s*\}\)\s*\)/);
    expect(main).not.toMatch(/action:\s*'allow'/);
    expect(main).toMatch(/on\(\s*'will-navigate',\s*\(event\)\s*=>\s*event\.preventDefault\(\)\s*\)/);
    expect(main).toMatch(/on\(\s*'will-attach-webview'[\s\S]*?event\.preventDefault\(\)/);
  });

  it('sets the strict CSP on what it serves', () => {
    const csp =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    expect(main).toContain(csp);
    expect(main).toMatch(/'Content-Security-Policy':\s*CSP/);
    expect(main).not.toMatch(/unsafe-eval/);
    expect(main).not.toMatch(/bypassCSP:\s*true/);
  });

  it('serves the renderer from its own scheme, never from the network or file://', () => {
    expect(main).toMatch(/protocol\.handle\(SCHEME,/);
    expect(main).toMatch(/const START_URL = `\$\{ORIGIN\}\/index\.html`/);
    expect(main).toMatch(/loadURL\(START_URL\)/);
    expect(main).not.toMatch(/loadURL\(\s*['"`]https?:/);
    expect(main).not.toMatch(/loadFile\(/);
  });

  it('denies permissions except notifications for our own pages', () => {
    expect(main).toMatch(/setPermissionRequestHandler\([\s\S]*?callback\(permission === 'notifications' && isOwnRendererUrl\(url\)\)/);
    expect(main).toMatch(/setPermissionCheckHandler\([\s\S]*?permission === 'notifications' && isOwnRendererUrl\(/);
  });

  it('checks the sender of any IPC it handles, and hands core ports only to our own page', () => {
    // Every ipcMain.handle / ipcMain.on callback must call isTrustedSender(event.senderFrame).
    const handlers = [...main.matchAll(/ipcMain\.(?:handle|handleOnce|on|once)\(/g)];
    for (const handler of handlers) {
      const body = main.slice(handler.index, handler.index + 400);
      expect(body).toMatch(/isTrustedSender\(\s*\w+\.senderFrame\s*\)/);
    }
    expect(main).toMatch(/function isTrustedSender\(/);
    expect(main).toMatch(/function brokerPort[\s\S]*?if \(!isOwnRendererUrl\(contents\.getURL\(\)\)\) return;/);
  });

  it('hides devtools and reload outside development', () => {
    expect(main).toMatch(/devTools:\s*isDev/);
    expect(main).toMatch(/isDev\s*\?\s*\(\[\{ role: 'reload' \}/);
  });
});

describe('Electron preload (src-main/electron/preload.ts)', () => {
  it('exposes exactly one object, the transport, and no Electron or Node object', () => {
    const exposures = [...preload.matchAll(/contextBridge\.exposeInMainWorld\(([^)]*)\)/g)].map((m) => m[1]?.trim());
    expect(exposures).toEqual(["'hostdeck', transport"]);
    expect(preload).toMatch(/const transport: Transport = \{\s*send\(/);
    expect(preload).not.toMatch(/exposeInIsolatedWorld|webFrame|require\(/);
    expect(preload).not.toMatch(/from 'node:|from "node:/);
    // The only import with a runtime value is electron's contextBridge + ipcRenderer.
    const valueImports = [...preload.matchAll(/^import (?!type )(.*) from '([^']+)';$/gm)].map((m) => m[2]);
    expect(valueImports).toEqual(['electron']);
  });

  it('validates the shape of every call before it leaves the page', () => {
    expect(preload).toMatch(/m\.kind !== 'call'/);
    expect(preload).toMatch(/typeof m\.id !== 'number'/);
    expect(preload).toMatch(/typeof m\.method !== 'string'/);
  });
});

describe('Core utility process entry (src-main/electron/core-process.ts)', () => {
  it('does not import electron', () => {
    expect(coreProcess).not.toMatch(/from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/);
  });
});
