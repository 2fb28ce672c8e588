// Picks the transport: the preload bridge in Electron, a WebSocket in browser mode.
import type { CallMessage, CoreToWindow, Transport } from '../../shared/protocol';
import { encodeFrame } from '../../shared/wire-bytes';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export function openTransport(onState: (state: ConnectionState) => void): Transport {
  if (window.hostdeck) {
    onState('open');
    return window.hostdeck;
  }
  return webSocketTransport(onState);
}

function webSocketTransport(onState: (state: ConnectionState) => void): Transport {
  const listeners: ((message: CoreToWindow) => void)[] = [];
  const queue: (string | Uint8Array)[] = [];
  let socket: WebSocket;
  let delay = 500;

  const open = () => {
    onState('connecting');
    socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    socket.onopen = () => {
      delay = 500;
      onState('open');
      for (const text of queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as CoreToWindow;
      for (const listener of listeners) listener(message);
    };
    socket.onclose = () => {
      onState('closed');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 8000);
    };
  };
  open();

  return {
    send(message: CallMessage) {
      // File content (Uint8Array) goes as a binary frame rather than as base64 in JSON.
      const frame = encodeFrame(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
      else queue.push(frame);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
  };
}
