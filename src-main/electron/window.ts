// The main window: locked-down webPreferences, bounds restored from and saved to the shell
// preferences, our own page loaded from the renderer protocol, and a fresh core port on each load.
import { app, BrowserWindow, nativeTheme, screen, type Rectangle } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { brokerPort } from './core-supervisor';
import { isDev } from './dev-mode';
import { PRELOAD } from './paths';
import { START_URL } from './renderer-protocol';
import type { PrefStore, WindowState } from './shell-prefs';

/** The one window; a second launch focuses it instead of opening another. */
let mainWindow: BrowserWindow | null = null;

export function openMainWindow(prefs: PrefStore): void {
  mainWindow = createWindow(prefs);
}

/** For the second instance's launch: bring the existing window to the front. */
export function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function createWindow(prefs: PrefStore): BrowserWindow {
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
