// mysql2 asks for its socket synchronously (the `stream` factory), but an SSH channel opens
// asynchronously: this Duplex stands in at once, queues what mysql2 writes until the channel
// is open, then passes bytes both ways with backpressure.
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

/**
 * What the SSH channel may hold unread before it stops granting the server window: two SSH
 * packets. ssh2 gives every channel a 2 MiB highWaterMark and keeps granting while below it, so
 * a paused reader (mysql2 behind a busy export) held 2-4 MiB of packet buffers, long enough for
 * V8 to move them to the old generation, where they piled up as garbage until a full GC (tens
 * of MB of RSS in a 1M-row export). Now a paused channel holds what was already in flight.
 */
export const CHANNEL_BUFFER_BYTES = 64 * 1024;

export class LazyChannel extends Duplex {
  private channel: ClientChannel | null = null;
  private readonly queued: { chunk: Buffer; callback: (error?: Error | null) => void }[] = [];

  constructor(open: () => Promise<ClientChannel>) {
    super();
    open().then(
      (channel) => {
        if (this.destroyed) return void channel.destroy();
        this.channel = channel;
        // ssh2 offers no option for it; the readable state's highWaterMark is what push() checks.
        (channel as unknown as { _readableState: { highWaterMark: number } })._readableState.highWaterMark = CHANNEL_BUFFER_BYTES;
        channel.on('data', (data: Buffer) => {
          if (!this.push(data)) channel.pause();
        });
        channel.once('end', () => this.push(null));
        channel.once('close', () => this.destroy());
        channel.on('error', (error: Error) => this.destroy(error));
        for (const { chunk, callback } of this.queued.splice(0)) this.forward(chunk, callback);
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _read(): void {
    this.channel?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.channel) this.forward(chunk, callback);
    else this.queued.push({ chunk, callback });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.channel?.destroy();
    for (const { callback: cb } of this.queued.splice(0)) cb(error ?? new Error('closed'));
    callback(error);
  }

  private forward(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.channel!.write(chunk)) callback();
    else this.channel!.once('drain', () => callback());
  }
}
