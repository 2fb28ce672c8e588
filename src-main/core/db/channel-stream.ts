// mysql2 asks for its socket synchronously (the `stream` factory), but an SSH channel opens
// asynchronously: this Duplex stands in at once, queues what mysql2 writes until the channel
// is open, then passes bytes both ways with backpressure.
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

export class LazyChannel extends Duplex {
  private channel: ClientChannel | null = null;
  private readonly queued: { chunk: Buffer; callback: (error?: Error | null) => void }[] = [];

  constructor(open: () => Promise<ClientChannel>) {
    super();
    open().then(
      (channel) => {
        if (this.destroyed) return void channel.destroy();
        this.channel = channel;
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
