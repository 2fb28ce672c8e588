// A local port forward over an open SSH connection (what `ssh -L` does): every socket accepted
// on localHost:localPort becomes one direct-tcpip channel to remoteHost:remotePort, as seen
// from the server. Both directions are piped with backpressure (the SSH channel window on one
// side, the socket buffers on the other); half-close is passed through (FIN <-> channel EOF),
// and an error on either side tears down that one pair only.
import net from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { withoutNagle } from './connect';

export type TunnelOptions = {
  /** Destination as the server resolves it, e.g. '127.0.0.1' for the server's own MySQL. */
  remoteHost: string;
  remotePort: number;
  localHost?: string;
  /** 0 (the default) picks a free port. */
  localPort?: number;
};

export type Tunnel = {
  localPort: number;
  /** Stops listening and tears down every forwarded connection. */
  close(): Promise<void>;
};

/** A fixed client, or a getter such as a lease's ready(): then connections accepted after a
 * reconnect ride the new SSH connection without the tunnel being reopened. */
export type ClientSource = Client | (() => Promise<Client>);

export function openTunnel(source: ClientSource, options: TunnelOptions): Promise<Tunnel> {
  const { remoteHost, remotePort, localHost = '127.0.0.1', localPort = 0 } = options;
  const live = new Set<net.Socket>();

  // allowHalfOpen: a local FIN only ends our direction; the answer still flows back.
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (sock) => {
    live.add(sock);
    sock.setNoDelay(true);
    let channel: ClientChannel | null = null;
    let channelClosed = false;
    sock.on('error', () => undefined); // 'close' follows; the pair is torn down there
    sock.once('close', () => {
      live.delete(sock);
      if (!channel || channelClosed) return;
      // Clean end (both FINs seen): our EOF is queued behind any data still waiting for
      // window; the server closes the channel once it is through. Otherwise tear it down.
      if (!sock.readableEnded || !sock.writableFinished) channel.destroy();
    });

    const forward = (error: Error | undefined, stream: ClientChannel) => {
      if (error || sock.destroyed) {
        if (!error) stream.destroy();
        sock.destroy();
        return;
      }
      channel = stream;
      stream.on('error', () => sock.destroy());
      stream.once('close', () => {
        channelClosed = true;
        sock.unpipe(stream);
        // The remote side is gone: flush what it sent us, then drop the socket.
        if (sock.writableEnded && !sock.writableFinished) sock.once('finish', () => sock.destroy());
        else sock.destroy();
      });
      sock.pipe(stream); // local FIN -> stream.end() -> channel EOF
      stream.pipe(sock); // channel EOF -> sock.end() -> FIN
      sock.resume();
    };
    const client = (typeof source === 'function' ? source() : Promise.resolve(source)).then(async (c) => {
      await withoutNagle(c);
      return c;
    });
    client.then(
      (c) => c.forwardOut(sock.remoteAddress ?? localHost, sock.remotePort ?? 0, remoteHost, remotePort, forward),
      () => sock.destroy(), // the SSH connection is gone for good
    ).catch(() => sock.destroy());
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(localPort, localHost, () => {
      server.removeListener('error', reject);
      server.on('error', () => undefined);
      const address = server.address() as net.AddressInfo;
      let closed: Promise<void> | null = null;
      resolve({
        localPort: address.port,
        close: () =>
          (closed ??= new Promise<void>((done) => {
            server.close(() => done());
            for (const sock of live) sock.destroy();
          })),
      });
    });
  });
}
