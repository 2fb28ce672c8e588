// LazyChannel, mysql2's socket over an SSH channel: a paused reader must make the channel stop
// asking for data early (ssh2 grants the server window while push() returns true).
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { CHANNEL_BUFFER_BYTES, LazyChannel } from '../../src-main/core/db/channel-stream';

/** Stands in for an ssh2 channel: a Duplex with ssh2's 2 MiB highWaterMark. */
function fakeChannel(): Duplex {
  return new Duplex({ highWaterMark: 2 * 1024 * 1024, read() {}, write(_chunk, _enc, cb) { cb(); } });
}

describe('LazyChannel', () => {
  it('makes the channel refuse more data once about two packets wait unread', async () => {
    const channel = fakeChannel();
    const lazy = new LazyChannel(async () => channel as unknown as ClientChannel);
    lazy.pause(); // mysql2 paused: nobody reads
    await new Promise((resolve) => setImmediate(resolve));
    const packet = Buffer.alloc(32 * 1024);
    let accepted = 0;
    while (channel.push(packet) && accepted < 4 * 1024 * 1024) accepted += packet.length;
    // LazyChannel's own buffer (16 KiB) plus the channel's: far below ssh2's 2 MiB.
    expect(accepted).toBeLessThanOrEqual(CHANNEL_BUFFER_BYTES + 64 * 1024);
    // Reading again drains it all.
    let read = 0;
    lazy.on('data', (d: Buffer) => (read += d.length));
    lazy.resume();
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toBe(accepted + packet.length);
    lazy.destroy();
  });
});
