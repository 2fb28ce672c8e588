// Hardening that does not depend on any one window: the process-wide sandbox, rules applied to
// every webContents the app ever creates (windows, devtools, webviews), and the default session's
// permission and header policy. The window's own webPreferences are in window.ts.
import { app, session } from 'electron';
import { CSP } from './renderer-protocol';
import { isOwnRendererUrl } from './renderer-trust';

/** Must run before the app is ready: enableSandbox is refused after that. */
export function hardenProcess(): void {
  app.enableSandbox();

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
}

/** Runs once the app is ready (the default session exists only then). */
export function hardenSession(): void {
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
