// Static checks of the Electron shell's security settings, so a regression fails here even on
// machines without the Electron binary (where the Electron e2e test is skipped).
import { readdirSync, readFileSync } from 'node:fs';
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

// Each setting is asserted in the module where it lives, so moving one out of there fails too.
const windowModule = code('src-main/electron/window.ts');
const hardening = code('src-main/electron/hardening.ts');
const rendererProtocol = code('src-main/electron/renderer-protocol.ts');
const coreSupervisor = code('src-main/electron/core-supervisor.ts');
const menu = code('src-main/electron/menu.ts');
const preload = code('src-main/electron/preload.ts');
const coreProcess = code('src-main/electron/core-process.ts');
/** Every main-process module, present and future, for the "nothing anywhere" checks. */
const shell = readdirSync(path.join(root, 'src-main/electron'))
  .filter((file) => file.endsWith('.ts') && file !== 'preload.ts' && file !== 'core-process.ts')
  .sort()
  .map((file) => code(`src-main/electron/${file}`))
  .join('\n');

describe('Electron main process hardening (src-main/electron/*.ts)', () => {
  it('creates windows with context isolation, sandbox, no Node integration and web security', () => {
    const prefs = windowModule.match(/webPreferences:\s*\{([\s\S]*?)\}/)?.[1] ?? '';
    expect(prefs, 'BrowserWindow webPreferences block').not.toBe('');
    expect(prefs).toMatch(/contextIsolation:\s*true/);
    expect(prefs).toMatch(/sandbox:\s*true/);
    expect(prefs).toMatch(/nodeIntegration:\s*false/);
    expect(prefs).toMatch(/webSecurity:\s*true/);
    expect(prefs).toMatch(/webviewTag:\s*false/);
    expect(prefs).toMatch(/preload:\s*PRELOAD/);
    // Nothing anywhere turns them the other way.
    expect(shell).not.toMatch(/contextIsolation:\s*false/);
    expect(shell).not.toMatch(/sandbox:\s*false/);
    expect(shell).not.toMatch(/nodeIntegration\w*:\s*true/);
    expect(shell).not.toMatch(/webSecurity:\s*false/);
    expect(shell).not.toMatch(/allowRunningInsecureContent:\s*true/);
    expect(hardening).toMatch(/app\.enableSandbox\(\)/);
  });

  it('denies every new window and prevents navigation, for every webContents', () => {
    expect(hardening).toMatch(/app\.on\(\s*'web-contents-created'/);
    expect(hardening).toMatch(/setWindowOpenHandler\(\s*\(\)\s*=>\s*\(\{\s*action:\s*'deny'\s*\}\)\s*\)/);
    expect(shell).not.toMatch(/action:\s*'allow'/);
    expect(hardening).toMatch(/on\(\s*'will-navigate',\s*\(event\)\s*=>\s*event\.preventDefault\(\)\s*\)/);
    expect(hardening).toMatch(/on\(\s*'will-attach-webview'[\s\S]*?event\.preventDefault\(\)/);
  });

  it('sets the strict CSP on what it serves', () => {
    const csp =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    expect(rendererProtocol).toContain(csp);
    expect(rendererProtocol).toMatch(/'Content-Security-Policy':\s*CSP/);
    expect(shell).not.toMatch(/unsafe-eval/);
    expect(shell).not.toMatch(/bypassCSP:\s*true/);
  });

  it('serves the renderer from its own scheme, never from the network or file://', () => {
    expect(rendererProtocol).toMatch(/protocol\.handle\(SCHEME,/);
    expect(rendererProtocol).toMatch(/const START_URL = `\$\{ORIGIN\}\/index\.html`/);
    expect(windowModule).toMatch(/loadURL\(START_URL\)/);
    expect(shell).not.toMatch(/loadURL\(\s*['"`]https?:/);
    expect(shell).not.toMatch(/loadFile\(/);
  });

  it('denies permissions except notifications for our own pages', () => {
    expect(hardening).toMatch(/setPermissionRequestHandler\([\s\S]*?callback\(permission === 'notifications' && isOwnRendererUrl\(url\)\)/);
    expect(hardening).toMatch(/setPermissionCheckHandler\([\s\S]*?permission === 'notifications' && isOwnRendererUrl\(/);
  });

  it('opens no IPC channel of its own, and hands core ports only to our own page', () => {
    // The brokered MessagePort is the only way to the core: an ipcMain handler would be a
    // second, untyped channel.
    expect([...shell.matchAll(/ipcMain\.(?:handle|handleOnce|on|once|addListener)\(/g)]).toEqual([]);
    expect(coreSupervisor).toMatch(/function brokerPort[\s\S]*?if \(!isOwnRendererUrl\(contents\.getURL\(\)\)\) return;/);
  });

  it('hides devtools and reload outside development', () => {
    expect(windowModule).toMatch(/devTools:\s*isDev/);
    expect(menu).toMatch(/isDev\s*\?\s*\(\[\{ role: 'reload' \}/);
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
