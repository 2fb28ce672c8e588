// The small SSH window's bookkeeping against a fake ssh2 (the real one is in
// test/integration/terminal.test.ts): the initial window asked for, window given back only as
// the reader takes data, and a client or channel of another shape left working.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Client, ClientChannel } from 'ssh2';
import { openWithSmallWindow } from '../../src-main/core/ssh/channel-window';

const CAP = 128 * 1024;

function fakeSsh2(shape: { protocol?: boolean; incoming?: boolean } = {}) {
  const sessions: number[] = [];
  const adjusts: number[] = [];
  const channel = Object.assign(new PassThrough(), {
    stderr: new PassThrough(),
    outgoing: { id: 7, state: 'open' },
    ...(shape.incoming === false ? {} : { incoming: { window: 2 * 1024 * 1024 } }),
  });
  const protocol = {
    session: (_local: number, window: number, _packetSize: number) => void sessions.push(window),
    channelWindowAdjust: (id: number, amount: number) => void adjusts.push(id === 7 ? amount : -1),
  };
  const client = { ...(shape.protocol === false ? {} : { _protocol: protocol }), shell: (cb: (e: Error | undefined, c: ClientChannel) => void) => {
    (client as { _protocol?: typeof protocol })._protocol?.session(0, 2 * 1024 * 1024, 32768);
    cb(undefined, channel as unknown as ClientChannel);
  } };
  const open = (): ClientChannel => {
    let got: ClientChannel | null = null;
    openWithSmallWindow(client as unknown as Client, CAP, (opened) => client.shell(opened), (_e, c) => (got = c));
    return got!;
  };
  return { sessions, adjusts, channel, open, protocol };
}

describe('a small SSH window', () => {
  it('asks for CAP at open and gives it back only as the reader takes data', async () => {
    const f = fakeSsh2();
    const ownSession = f.protocol.session;
    const ch = f.open();
    expect(f.sessions).toEqual([CAP]);
    expect(f.protocol.session).toBe(ownSession); // ssh2's own, put back after the open
    ch.pause();
    ch.push(Buffer.alloc(CAP)); // the server used its whole window; nothing read yet
    expect(f.adjusts).toEqual([]);
    const taken: number[] = [];
    ch.on('data', (d: Buffer) => taken.push(d.length));
    ch.resume();
    await new Promise((r) => setImmediate(r));
    expect(taken).toEqual([CAP]);
    expect(f.adjusts).toEqual([CAP]);
    ch.push(Buffer.alloc(CAP / 4)); // flowing: under half used, nothing yet
    expect(f.adjusts).toEqual([CAP]);
    ch.push(Buffer.alloc(CAP / 4));
    expect(f.adjusts).toEqual([CAP, CAP / 2]);
    // ssh2's own top-up (at 1 MiB of its count) is out of reach.
    expect((f.channel as unknown as { incoming: { window: number } }).incoming.window).toBeGreaterThan(1e15);
  });

  it('leaves a client without the expected internals on its own window', () => {
    const f = fakeSsh2({ protocol: false });
    expect(f.open()).toBe(f.channel);
    expect(f.sessions).toEqual([]);
  });

  it('gives a channel of another shape the window ssh2 believes it has', () => {
    const f = fakeSsh2({ incoming: false });
    f.open();
    expect(f.sessions).toEqual([CAP]);
    expect(f.adjusts).toEqual([2 * 1024 * 1024 - CAP]);
  });
});
