// Live tails: `tail -F` of a log file (`journalctl -f` for the journal) in an exec channel on the
// server's shared SSH connection, its output cut into lines and sent as logs.lines events in
// batches. Like a terminal's output, a tail's lines count as unacknowledged until the window says
// it has taken them (logs.ack); far ahead of the window the channel is paused, so a flood costs
// bounded memory and `tail` simply waits on the server.
//
// The tail must not outlive its view: the command runs `tail` in the background and waits for
// the end of its stdin, which comes when the channel is closed (or the connection drops), then
// kills it. A signal over SSH would not do: OpenSSH ignores channel signals for commands without
// a pty on older versions, and a quiet `tail -F` would not notice a closed pipe until it writes.
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import type { TailState } from '../../../shared/api/logs';
import { AppError, msg } from '../../../shared/errors';
import type { EventPayload } from '../../../shared/events';
import type { EventHub } from '../events';
import { openWithSmallWindow } from '../ssh/channel-window';
import { FlowBatch } from '../ssh/flow-batch';
import type { ConnectionManager, Lease } from '../ssh/connections';
import { shQuote } from '../ssh/sh-quote';
import type { LogSource } from './catalog';

/** Unacknowledged lines at which the channel is paused, and below which it resumes. */
const FLOW = { high: 50_000, low: 10_000 };
/** While the window is behind, lines are gathered for one frame (16 ms) or up to BATCH_MAX lines. */
const BATCH_MS = 16;
const BATCH_MAX = 5000;
/** A longer line is cut (a minified file logged whole would stall the view). */
export const LINE_MAX = 8192;
const MAX_TAILS = 32;
/** The tail channel's SSH window: what a paused view holds at most (ssh2's own is 2 MiB). */
const SSH_WINDOW = 256 * 1024;

/** The command of a tail: the last `backlog` lines, then whatever is appended, across rotations. */
export function tailCommand(source: LogSource, backlog: number): string {
  const n = String(Math.max(0, Math.floor(backlog)));
  const follow = source.journal
    ? `journalctl -f -n ${n} --no-pager -o short-iso 2>&1`
    : `tail -n ${n} -F -s 0.2 -- ${shQuote(source.path)} 2>&1`;
  return `${follow} & t=$!; cat >/dev/null; kill "$t" 2>/dev/null; wait "$t" 2>/dev/null; exit 0`;
}

type Tail = {
  id: string;
  serverId: string;
  owner: string | null;
  source: LogSource;
  lease: Lease;
  channel: ClientChannel | null;
  state: TailState;
  partial: string;
  /** Lines on their way to the window, with the flow control. */
  batch: FlowBatch<string>;
};

export class TailService {
  private readonly tails = new Map<string, Tail>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly events: EventHub,
  ) {
    events.subscribe((event, payload) => {
      if (event !== 'ssh.state') return;
      const { serverId, state } = payload as EventPayload<'ssh.state'>;
      for (const t of [...this.tails.values()]) {
        if (t.serverId !== serverId) continue;
        if (state.state === 'reconnecting' && t.state === 'open') this.setState(t, 'reconnecting', state.reason);
        else if (state.state === 'failed' || state.state === 'idle') this.end(t, state.state === 'failed' ? state.reason : 'Disconnected.');
      }
    });
  }

  async follow(serverId: string, source: LogSource, backlog: number, owner: string | null): Promise<string> {
    if (this.tails.size >= MAX_TAILS) throw AppError.worded('conflict', msg('At most {{max}} logs can be followed at once; close a log view first.'), { max: MAX_TAILS });
    const lease = await this.connections.acquire(serverId);
    let channel: ClientChannel;
    try {
      channel = await openExec(await lease.ready(), tailCommand(source, backlog));
    } catch (error) {
      lease.release();
      throw error;
    }
    const id = randomUUID();
    const t: Tail = {
      id, serverId, owner, source, lease, channel: null, state: 'open', partial: '',
      batch: new FlowBatch<string>({
        ...FLOW,
        batchMs: BATCH_MS,
        batchMax: BATCH_MAX,
        emit: (lines) => this.events.emit('logs.lines', { tailId: id, lines }, owner ?? undefined),
        pause: () => t.channel?.pause(),
        resume: () => t.channel?.resume(),
      }),
    };
    this.tails.set(t.id, t);
    lease.onReconnect((client) => void this.reopen(t, client));
    this.attach(t, channel);
    return t.id;
  }

  ack(id: string, caller: string | null, lines: number): void {
    const t = this.owned(id, caller);
    t.batch.ack(lines);
  }

  stop(id: string, caller: string | null): void {
    this.end(this.owned(id, caller), 'Stopped.');
  }

  closeOwnedBy(windowId: string): void {
    for (const t of [...this.tails.values()]) if (t.owner === windowId) this.end(t, 'The window closed.');
  }

  closeAll(): void {
    for (const t of [...this.tails.values()]) this.end(t, 'Hostdeck is closing.');
  }

  private owned(id: string, caller: string | null): Tail {
    const t = this.tails.get(id);
    if (!t || t.owner !== caller) throw new AppError('not-found', msg('This log view is closed; open it again.'));
    return t;
  }

  private attach(t: Tail, channel: ClientChannel): void {
    t.channel = channel;
    if (t.batch.paused) channel.pause();
    const decoder = new StringDecoder('utf8');
    channel.on('data', (chunk: Buffer) => this.take(t, decoder.write(chunk)));
    channel.stderr.on('data', (chunk: Buffer) => this.take(t, chunk.toString('utf8')));
    channel.on('error', () => undefined);
    channel.once('close', () => {
      if (t.channel !== channel) return;
      t.channel = null;
      this.take(t, decoder.end());
      // A reconnect follows a dropped connection (ssh.state says so by the next turn).
      setImmediate(() => {
        if (t.state === 'open' && !t.channel) this.end(t, 'The server ended the tail.');
      });
    });
  }

  private async reopen(t: Tail, client: Client): Promise<void> {
    if (!this.tails.has(t.id)) return;
    try {
      // Only what is new from now on: the lines before the drop are on screen already.
      const channel = await openExec(client, tailCommand(t.source, 0));
      if (!this.tails.has(t.id)) return void channel.close();
      t.partial = '';
      this.attach(t, channel);
      this.setState(t, 'open');
    } catch (error) {
      this.end(t, error instanceof AppError ? error.message : 'The server refused the tail after reconnecting.');
    }
  }

  private take(t: Tail, text: string): void {
    if (!text || t.state === 'closed') return;
    const parts = (t.partial + text).split('\n');
    t.partial = parts.pop() ?? '';
    if (t.partial.length > LINE_MAX) {
      parts.push(t.partial);
      t.partial = '';
    }
    t.batch.push(parts.map((line) => (line.length > LINE_MAX ? `${line.slice(0, LINE_MAX)}…` : line.endsWith('\r') ? line.slice(0, -1) : line)), parts.length);
  }

  private setState(t: Tail, state: TailState, reason?: string): void {
    t.state = state;
    this.events.emit('logs.state', reason === undefined ? { tailId: t.id, state } : { tailId: t.id, state, reason }, t.owner ?? undefined);
  }

  private end(t: Tail, reason: string): void {
    if (t.state === 'closed') return;
    t.batch.flush();
    this.setState(t, 'closed', reason);
    this.tails.delete(t.id);
    const channel = t.channel;
    t.channel = null;
    // EOF first (sent at once: end() would wait for the stream to finish, after the close):
    // the command's `cat` returns and kills tail; then the channel goes.
    if (channel) {
      channel.eof();
      channel.close();
    }
    t.lease.release();
  }
}

function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const refused = (error: Error) => reject(new AppError('ssh', msg('The server refused to start the tail.'), { details: error.message }));
    try {
      openWithSmallWindow(client, SSH_WINDOW, (opened) => client.exec(command, opened), (error, channel) => (error ? refused(error) : resolve(channel)));
    } catch (error) {
      refused(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
