// The thin Electron shell — the only code that imports electron. It owns the window, the menu
// and a small store of shell preferences, starts the core in a utilityProcess and brokers one
// MessagePort per loaded page between that page and the core. It does no work of its own: every
// call goes renderer -> port -> core, and the renderer is treated as untrusted throughout.
//
// This file is only the lifecycle: what runs before the app is ready, the single-instance lock,
// and the order things start and stop in. Each piece lives in the module named for it.
import { app, BrowserWindow, nativeTheme } from 'electron';
import path from 'node:path';
import { noteQuitting, startCore, stopCore } from './core-supervisor';
import { hardenProcess, hardenSession } from './hardening';
import { buildMenu } from './menu';
import { registerRendererScheme, serveRendererProtocol } from './renderer-protocol';
import { openPrefs } from './shell-prefs';
import { focusMainWindow, openMainWindow } from './window';

// Same override as the core and browser mode use, so tests and side-by-side installs can point
// everything (preferences, inventory, the single-instance lock) at another folder.
if (process.env.HOSTDECK_DATA_DIR) app.setPath('userData', path.resolve(process.env.HOSTDECK_DATA_DIR));

registerRendererScheme();
hardenProcess();
if (process.platform === 'win32') app.setAppUserModelId('io.hostdeck.app');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quit waits for the core to close cleanly (see stopCore), then quits for real.
  let coreStopped = false;
  app.on('before-quit', (event) => {
    noteQuitting();
    if (coreStopped) return;
    event.preventDefault();
    void stopCore().finally(() => {
      coreStopped = true;
      app.quit();
    });
  });

  void app.whenReady().then(async () => {
    const prefs = await openPrefs();
    nativeTheme.themeSource = prefs.get('theme');
    serveRendererProtocol();
    hardenSession();
    buildMenu(prefs);
    startCore();
    openMainWindow(prefs);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openMainWindow(prefs);
    });
  });
}
