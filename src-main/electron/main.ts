// The thin Electron shell — the only code that imports electron. It owns the window, the menu
// and a small store of shell preferences, starts the core in a utilityProcess and brokers one
// MessagePort per loaded page between that page and the core. It does no work of its own: every
// call goes renderer -> port -> core, and the renderer is treated as untrusted throughout.
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeTheme,
  protocol,
  screen,
  session,
  utilityProcess,
  type MenuItemConstructorOptions,
  type Rectangle,
  type UtilityProcess,
  type WebContents,
  type WebFrameMain,
} from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------
// Constants

/** The renderer is served from this custom, standard + secure scheme (never file://). */
const SCHEME = 'app';
const HOST = 'hostdeck';
const ORIGIN = `${SCHEME}://${HOST}`;
const START_URL = `${ORIGIN}/index.html`;

/** Sent with every renderer response; the renderer's own markup cannot loosen it. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Channels main -> preload. The preload listens to these two and nothing else. */
const PORT_CHANNEL = 'hostdeck:port';
const CORE_EXITED_CHANNEL = 'hostdeck:core-exited';

// main.cjs, preload.cjs and core-process.mjs sit side by side in dist/electron; the renderer is
// in dist/renderer (inside app.asar once packaged: fs and utilityProcess read from it).
const ELECTRON_DIR = __dirname;
const RENDERER_DIR = path.resolve(ELECTRON_DIR, '..', 'renderer');
const PRELOAD = path.join(ELECTRON_DIR, 'preload.cjs');
const CORE_ENTRY = path.join(ELECTRON_DIR, 'core-process.mjs');

const isDev = !app.isPackaged;

// ---------------------------------------------------------------------------------------------
// Trust: what counts as "our renderer"

/** True only for pages served by our own protocol handler. */
export function isOwnRendererUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${SCHEME}:` && parsed.host === HOST;
  } catch {
    return false;
  }
}

/**
 * Every ipcMain handler must pass this check first: the message must come from the main frame of
 * one of our windows, currently showing our own renderer URL. (The shell registers no handler
 * today — the core is reached only through the brokered port — so this is the gate for any
 * future one, e.g. `ipcMain.handle(ch, (event) => { if (!isTrustedSender(event.senderFrame)) throw … })`.)
 */
export function isTrustedSender(frame: WebFrameMain | null | undefined): boolean {
  if (!frame || frame.parent !== null || !isOwnRendererUrl(frame.url)) return false;
  return BrowserWindow.getAllWindows().some(
    (win) => !win.isDestroyed() && win.webContents.mainFrame.frameTreeNodeId === frame.frameTreeNodeId && win.webContents.mainFrame.processId === frame.processId,
  );
}

// ---------------------------------------------------------------------------------------------
// Shell preferences (electron-store; ESM-only, so loaded with a dynamic import that esbuild
// leaves as import() in the CJS bundle and Electron resolves from node_modules at run time).

type Theme = 'system' | 'light' | 'dark';
type WindowState = { x?: number; y?: number; width: number; height: number; maximized: boolean };
type ShellPrefs = { window: WindowState; theme: Theme };

const DEFAULT_PREFS: ShellPrefs = { window: { width: 1280, height: 800, maximized: false }, theme: 'system' };

interface PrefStore {
  get<K extends keyof ShellPrefs>(key: K): ShellPrefs[K];
  set<K extends keyof ShellPrefs>(key: K, value: ShellPrefs[K]): void;
}

async function openPrefs(): Promise<PrefStore> {
  try {
    const { default: Store } = await import('electron-store');
    const store = new Store<ShellPrefs>({ name: 'shell-preferences', defaults: DEFAULT_PREFS, clearInvalidConfig: true });
    // electron-store installs an ipcMain listener ('electron-store-get-data') for renderer-side
    // stores, which answers any sender without checking it. No renderer of ours uses it: drop it.
    ipcMain.removeAllListeners('electron-store-get-data');
    return {
      get: (key) => sanitize(key, store.get(key)),
      set: (key, value) => store.set({ [key]: value } as Partial<ShellPrefs>),
    };
  } catch (error) {
    console.error(`[hostdeck] shell preferences unavailable, using defaults: ${String(error)}`);
    const memory: ShellPrefs = structuredClone(DEFAULT_PREFS);
    return { get: (key) => memory[key], set: (key, value) => void (memory[key] = value) };
  }
}

/** The file is the user's to edit: never trust its shape. */
function sanitize<K extends keyof ShellPrefs>(key: K, value: unknown): ShellPrefs[K] {
  if (key === 'theme') {
    return (value === 'light' || value === 'dark' || value === 'system' ? value : DEFAULT_PREFS.theme) as ShellPrefs[K];
  }
  const v = (value ?? {}) as Partial<Record<keyof WindowState, unknown>>;
  const num = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : undefined);
  const state: WindowState = {
    width: Math.max(800, Math.min(10_000, num(v.width) ?? DEFAULT_PREFS.window.width)),
    height: Math.max(560, Math.min(10_000, num(v.height) ?? DEFAULT_PREFS.window.height)),
    maximized: v.maximized === true,
  };
  const x = num(v.x);
  const y = num(v.y);
  if (x !== undefined && y !== undefined) Object.assign(state, { x, y });
  return state as ShellPrefs[K];
}

/** Keeps saved bounds only if they still land on a connected display. */
function visibleBounds(state: WindowState): Partial<Rectangle> & { width: number; height: number } {
  const { width, height } = state;
  if (state.x === undefined || state.y === undefined) return { width, height };
  const rect = { x: state.x, y: state.y, width, height };
  const onScreen = screen.getAllDisplays().some(({ workArea: a }) => {
    const overlapX = Math.min(rect.x + rect.width, a.x + a.width) - Math.max(rect.x, a.x);
    const overlapY = Math.min(rect.y + rect.height, a.y + a.height) - Math.max(rect.y, a.y);
    return overlapX >= 100 && overlapY >= 50;
  });
  return onScreen ? rect : { width, height };
}

// ---------------------------------------------------------------------------------------------
// The renderer protocol: app://hostdeck/<file in dist/renderer>, with the CSP header.

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

async function serveRenderer(request: Request): Promise<Response> {
  const notFound = () => new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: SECURITY_HEADERS });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound();
  }
  if (url.host !== HOST) return notFound();
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return notFound();
  }
  if (pathname.includes('\0')) return notFound();
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = path.resolve(RENDERER_DIR, relative);
  // No escaping the renderer folder, whatever the URL says.
  if (file !== RENDERER_DIR && !file.startsWith(RENDERER_DIR + path.sep)) return notFound();
  try {
    const body = await readFile(file);
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-cache' },
    });
  } catch {
    return notFound();
  }
}

// ---------------------------------------------------------------------------------------------
// The core, in a utility process, restarted if it dies unexpectedly.

let core: UtilityProcess | null = null;
let coreStartedAt = 0;
let restartDelayMs = 1000;
let rapidFailures = 0;
let restartTimer: NodeJS.Timeout | null = null;
let quitting = false;

function startCore(): void {
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
function brokerPort(contents: WebContents): void {
  if (!core || contents.isDestroyed()) return;
  // Only our own renderer ever gets a port to the core.
  if (!isOwnRendererUrl(contents.getURL())) return;
  const { port1, port2 } = new MessageChannelMain();
  core.postMessage({ type: 'connect' }, [port1]);
  contents.postMessage(PORT_CHANNEL, null, [port2]);
}

/** Asks the core to close (it flushes its stores and SSH sessions), then kills it if it lingers. */
function stopCore(): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Hardening applied to every webContents the app ever creates (windows, devtools, webviews).

function hardenSession(): void {
  const ses = session.defaultSession;
  // Deny every permission except notifications, and those only for our own pages.
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const url = details.requestingUrl || contents.getURL();
    callback(permission === 'notifications' && isOwnRendererUrl(url));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return permission === 'notifications' && isOwnRendererUrl(requestingOrigin);
  });
  ses.setDevicePermissionHandler(() => false);
  // The renderer's CSP also rides on every header-bearing response this session sees.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    if (isOwnRendererUrl(details.url)) headers['Content-Security-Policy'] = [CSP];
    callback({ responseHeaders: headers });
  });
}

app.on('web-contents-created', (_event, contents) => {
  // No new windows, from links, window.open or anything else.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // No navigation away from the loaded page (reloads are not navigations and still work).
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => {
    if (!isOwnRendererUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isOwnRendererUrl(event.url)) event.preventDefault();
  });
  // No <webview> at all; should one ever be attached, strip it of everything.
  contents.on('will-attach-webview', (event, webPreferences) => {
    delete webPreferences.preload;
    webPreferences.nodeIntegration = false;
    webPreferences.contextIsolation = true;
    webPreferences.sandbox = true;
    event.preventDefault();
  });
});

// ---------------------------------------------------------------------------------------------
// The window

let prefs: PrefStore;
let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const saved = prefs.get('window');
  const iconPath = path.join(app.getAppPath(), 'assets', 'icon.png');
  const win = new BrowserWindow({
    ...visibleBounds(saved),
    minWidth: 800,
    minHeight: 560,
    title: 'Hostdeck',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f141a' : '#f6f7f9',
    ...(process.platform === 'linux' && existsSync(iconPath) ? { icon: iconPath } : {}),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: isDev,
    },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  // Each (re)load of our page gets its own channel to the core; the old port closes with the
  // old document and the core detaches it.
  win.webContents.on('did-finish-load', () => brokerPort(win.webContents));

  let saveTimer: NodeJS.Timeout | null = null;
  const saveBounds = () => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    prefs.set('window', { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  };
  const saveSoon = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveBounds, 800);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveBounds();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  void win.loadURL(START_URL);
  return win;
}

// ---------------------------------------------------------------------------------------------
// Menu: standard roles; reload and devtools only in development.

function setTheme(theme: Theme): void {
  nativeTheme.themeSource = theme;
  prefs.set('theme', theme);
}

function buildMenu(): void {
  const current = prefs.get('theme');
  const themeItem = (theme: Theme, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: current === theme,
    click: () => setTheme(theme),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(isDev
          ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { label: 'Theme', submenu: [themeItem('system', 'Follow System'), themeItem('light', 'Light'), themeItem('dark', 'Dark')] },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

// Same override as the core and browser mode use, so tests and side-by-side installs can point
// everything (preferences, inventory, the single-instance lock) at another folder.
if (process.env.HOSTDECK_DATA_DIR) app.setPath('userData', path.resolve(process.env.HOSTDECK_DATA_DIR));

protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId('io.hostdeck.app');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let coreStopped = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (coreStopped) return;
    event.preventDefault();
    void stopCore().finally(() => {
      coreStopped = true;
      app.quit();
    });
  });

  void app.whenReady().then(async () => {
    prefs = await openPrefs();
    nativeTheme.themeSource = prefs.get('theme');
    protocol.handle(SCHEME, serveRenderer);
    hardenSession();
    buildMenu();
    startCore();
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });
}
