// A small SSH window for a channel a person watches (a terminal, a followed log). ssh2 opens every
// channel with a 2 MiB window and tops it up to 2 MiB whenever half is used, whatever its reader
// does: a terminal paused by its flow control still received up to 2 MiB more, and a Ctrl-C in a
// flood waited until all of it was drawn (300 ms on an idle machine, seconds on a busy one). A
// channel opened here has a window of `cap` bytes that is given back as its reader takes the data,
// as SSH means windows to work: the server never has more than `cap` on its way or waiting in a
// paused channel.
//
// This reaches into ssh2's internals (1.17, locked in package-lock.json; without them a channel
// keeps ssh2's own window, and test/unit/channel-window.test.ts checks both): the initial window is
// passed to the protocol when the channel is opened, ssh2's own top-ups are kept from firing by
// moving its window count out of their reach, and what the reader takes is counted at `emit`.
import type { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';

type Protocol = {
  session(localChannel: number, window: number, packetSize: number): void;
  channelWindowAdjust(remoteChannel: number, amount: number): void;
};
type ChannelInternals = { incoming: { window: number }; outgoing: { id: number; state: string } };
/** The window ssh2 grants a channel and believes it granted this one. */
const SSH2_WINDOW = 2 * 1024 * 1024;
type Opened = (error: Error | undefined, channel: ClientChannel) => void;

/**
 * Opens a session channel with a window of `cap` bytes. `open` must ask for it at once (it calls
 * client.shell or client.exec with the callback it is given); `done` gets the channel as ssh2
 * would hand it over.
 */
export function openWithSmallWindow(client: Client, cap: number, open: (opened: Opened) => void, done: Opened): void {
  const protocol = (client as unknown as { _protocol?: Partial<Protocol> })._protocol;
  const session = protocol?.session;
  const adjust = protocol?.channelWindowAdjust;
  // Without the internals this was written against, the channel keeps ssh2's own window.
  if (!protocol || typeof session !== 'function' || typeof adjust !== 'function') return open(done);
  protocol.session = (localChannel, _window, packetSize) => session.call(protocol, localChannel, cap, packetSize);
  try {
    open((error, channel) => {
      // Before anything is read: data that follows in the same packet batch is counted.
      if (!error) keepWindowSmall((id, amount) => adjust.call(protocol, id, amount), channel, cap);
      done(error, channel);
    });
  } finally {
    protocol.session = session;
  }
}

function keepWindowSmall(adjust: Protocol['channelWindowAdjust'], channel: ClientChannel, cap: number): void {
  const internals = channel as unknown as Partial<ChannelInternals>;
  const { incoming, outgoing } = internals;
  if (!outgoing) return;
  // A channel not shaped as expected: give the server the 2 MiB ssh2 thinks it gave, or it stalls.
  if (!incoming) return adjust(outgoing.id, SSH2_WINDOW - cap);
  // ssh2 tops its window up once its count falls to 1 MiB: out of reach from here on.
  incoming.window = Number.MAX_SAFE_INTEGER;
  /** What the server may send and the reader has not taken yet (in flight, or buffered while
   * paused). If ssh2 did not take `cap` as the initial window, the server has more than this:
   * we then grant early, never too late. */
  let unread = cap;
  const taken = (bytes: number): void => {
    unread -= bytes;
    if (unread > cap / 2 || outgoing.state !== 'open') return;
    adjust(outgoing.id, cap - unread);
    unread = cap;
  };
  // Taken is what the reader gets as 'data' (a listener would change the stream's mode).
  for (const stream of [channel, channel.stderr] as Readable[]) {
    const emit = stream.emit;
    stream.emit = function (this: Readable, event: string | symbol, ...args: unknown[]): boolean {
      const listened = emit.call(this, event, ...args);
      if (event === 'data' && args[0] instanceof Uint8Array) taken(args[0].length);
      return listened;
    } as Readable['emit'];
  }
}
