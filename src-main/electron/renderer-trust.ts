// Trust: what counts as "our renderer". The renderer is treated as untrusted throughout; these
// are the only checks that decide whether a page or a frame is ours.
import { BrowserWindow, type WebFrameMain } from 'electron';
import { HOST, SCHEME } from './renderer-protocol';

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
