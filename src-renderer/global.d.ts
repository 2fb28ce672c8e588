// What the Electron preload exposes to the page (absent in browser mode, where the renderer
// talks to the core over the WebSocket transport instead).
import type { Transport } from '../shared/protocol';

declare global {
  interface Window {
    hostdeck?: Transport;
  }
}

export {};
