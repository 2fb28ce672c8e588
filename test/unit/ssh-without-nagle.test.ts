// sshd turns Nagle off on a connection only when a session starts there; forwards (database
// channels, jump hosts, tunnels) first run one `true` per connection so that it does.
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { forwardOut, withoutNagle } from '../../src-main/core/ssh/connect';

/** An ssh2 Client stand-in recording, in order, the commands run and the forwards opened. */
function fakeClient(exec: 'ok' | 'refused' | 'silent') {
  const log: string[] = [];
  const client = {
    exec(command: string, cb: (error: Error | undefined, stream: unknown) => void) {
      log.push(`exec ${command}`);
      if (exec === 'refused') return cb(new Error('administratively prohibited'), undefined);
      const stream = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), close: () => stream.emit('close', null) });
      cb(undefined, stream);
      if (exec === 'ok') setImmediate(() => stream.emit('close', 0));
    },
    forwardOut(_srcIp: string, _srcPort: number, host: string, port: number, cb: (error: Error | undefined, stream: unknown) => void) {
      log.push(`forward ${host}:${port}`);
      cb(undefined, new EventEmitter());
    },
  };
  return { client: client as unknown as Client, log };
}

describe('withoutNagle', () => {
  it('runs `true` once per connection, before its first forward', async () => {
    const { client, log } = fakeClient('ok');
    await Promise.all([forwardOut(client, '127.0.0.1', 3306), forwardOut(client, '127.0.0.1', 3306)]);
    await forwardOut(client, '10.0.0.2', 22);
    expect(log).toEqual(['exec true', 'forward 127.0.0.1:3306', 'forward 127.0.0.1:3306', 'forward 10.0.0.2:22']);
    const other = fakeClient('ok');
    await withoutNagle(other.client);
    expect(other.log).toEqual(['exec true']);
  });

  it('forwards anyway when the server refuses the command or never ends it', async () => {
    const refused = fakeClient('refused');
    await forwardOut(refused.client, '127.0.0.1', 3306);
    expect(refused.log).toEqual(['exec true', 'forward 127.0.0.1:3306']);
    const silent = fakeClient('silent');
    const t = Date.now();
    await forwardOut(silent.client, '127.0.0.1', 3306);
    expect(Date.now() - t).toBeLessThan(3000);
    expect(silent.log).toEqual(['exec true', 'forward 127.0.0.1:3306']);
  });
});
