// Terminals: one interactive shell channel per terminal on the server's shared connection.
//
// Flow control is end to end: output goes out as terminal.data events and counts as
// unacknowledged until the window says xterm.js has parsed it (terminal.ack). Above HIGH
// unacknowledged characters the channel is paused; its SSH window (SSH_WINDOW) is given back
// only as output is taken, so the server soon has none, sshd stops reading the pty and the
// program writing to it blocks. Below LOW it resumes.
// So a flood (`yes`, `cat` of a big file) costs bounded memory everywhere, and a Ctrl-C only
// waits for what is already in flight.
//
// A dropped connection leaves the terminal 'reconnecting'; once the connection manager is back,
// the terminal gets a new shell (the old one died with its connection) and says so on screen.
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import type { TerminalState } from '../../../shared/api/terminal';
import { AppError, msg } from '../../../shared/errors';
import type { EventPayload } from '../../../shared/events';
import type { EventHub } from '../events';
import { openWithSmallWindow } from '../ssh/channel-window';
import { FlowBatch } from '../ssh/flow-batch';
import type { ConnectionManager, Lease } from '../ssh/connections';

/** Unacknowledged characters at which the channel is paused, and below which it resumes. */
export const FLOW = { high: 256 * 1024, low: 64 * 1024 };
/** The shell channel's SSH window: what the server may send beyond what the terminal has taken,
 * and so what a paused channel holds at most. With ssh2's 2 MiB, a Ctrl-C behind a paused flood
 * waited for megabytes to be drawn (seconds on a busy machine). 128 KiB still carries 2.6 MB/s
 * over a 50 ms round trip. */
const SSH_WINDOW = 128 * 1024;
/** While the window is behind, output is coalesced for this long, or up to this size, so a
 * flood is few large events; while it keeps up (typing), output goes out once the current I/O
 * is handled (setImmediate, not a timer's extra millisecond). */
const BATCH_MS = 5;
const BATCH_MAX = 64 * 1024;
/** Input the server has not taken yet beyond which writes are refused (it is not reading). */
const WRITE_BACKLOG_MAX = 1024 * 1024;
const MAX_SESSIONS = 64;
const LOST = '\r\n\x1b[2m[connection lost: reconnecting]\x1b[0m';
const RECONNECTED = '\r\n\x1b[2m[reconnected: this is a new shell]\x1b[0m\r\n';

type Session = {
  id: string;
  serverId: string;
  /** The window that opened it (null for in-process callers such as tests). */
  owner: string | null;
  cols: number;
  rows: number;
  lease: Lease;
  channel: ClientChannel | null;
  state: TerminalState;
  /** Why the connection went down last (the reason shown if it is closed for good). */
  downReason: string | null;
  /** Output on its way to the window, with the flow control. */
  batch: FlowBatch<string>;
};

export class TerminalService {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly events: EventHub,
  ) {
    // After a drop the connection manager says what comes next only through its state: it
    // retries (reconnecting), gives up (failed) or was told to stop (idle).
    events.subscribe((event, payload) => {
      if (event !== 'ssh.state') return;
      const { serverId, state } = payload as EventPayload<'ssh.state'>;
      for (const s of [...this.sessions.values()]) {
        if (s.serverId !== serverId) continue;
        if (state.state === 'reconnecting' && s.state === 'open') {
          this.output(s, LOST);
          this.setState(s, 'reconnecting', state.reason);
        } else if (state.state === 'failed' || state.state === 'idle') {
          this.end(s, state.state === 'failed' ? state.reason : (s.downReason ?? 'Disconnected.'));
        }
      }
    });
  }

  async open(serverId: string, cols: number, rows: number, owner: string | null): Promise<string> {
    if (this.sessions.size >= MAX_SESSIONS) throw AppError.worded('conflict', msg('At most {{max}} terminals can be open at once; close one first.'), { max: MAX_SESSIONS });
    const lease = await this.connections.acquire(serverId);
    let channel: ClientChannel;
    try {
      channel = await openShell(lease.client(), cols, rows);
    } catch (error) {
      lease.release();
      throw error;
    }
    const id = randomUUID();
    const s: Session = {
      id,
      serverId,
      owner,
      cols,
      rows,
      lease,
      channel: null,
      state: 'open',
      downReason: null,
      batch: new FlowBatch<string>({
        ...FLOW,
        batchMs: BATCH_MS,
        batchMax: BATCH_MAX,
        emit: (items) => this.events.emit('terminal.data', { terminalId: id, data: items.length === 1 ? items[0]! : items.join('') }, owner ?? undefined),
        pause: () => s.channel?.pause(),
        resume: () => s.channel?.resume(),
      }),
    };
    this.sessions.set(s.id, s);
    // Both listeners go with the lease (end() releases it).
    lease.onDown((error) => (s.downReason = error.message));
    lease.onReconnect((client) => void this.reopen(s, client));
    this.attach(s, channel);
    return s.id;
  }

  write(id: string, caller: string | null, data: string): void {
    const s = this.owned(id, caller);
    if (s.state !== 'open' || !s.channel) throw new AppError('ssh', msg('The terminal is not connected; the input was not sent.'));
    if (s.channel.writableLength > WRITE_BACKLOG_MAX) throw new AppError('conflict', msg('The server is not reading input; the input was not sent.'));
    s.channel.write(data);
  }

  resize(id: string, caller: string | null, cols: number, rows: number): void {
    const s = this.owned(id, caller);
    s.cols = cols;
    s.rows = rows;
    s.channel?.setWindow(rows, cols, 0, 0);
  }

  ack(id: string, caller: string | null, chars: number): void {
    const s = this.owned(id, caller);
    // More than was sent only undoes the sender's own throttling: clamp, do not trust.
    s.batch.ack(chars);
  }

  close(id: string, caller: string | null): void {
    this.end(this.owned(id, caller), 'Closed.');
  }

  /** A window went away: its terminals go with it. */
  closeOwnedBy(windowId: string): void {
    for (const s of [...this.sessions.values()]) if (s.owner === windowId) this.end(s, 'The window closed.');
  }

  closeAll(): void {
    for (const s of [...this.sessions.values()]) this.end(s, 'Hostdeck is closing.');
  }

  private owned(id: string, caller: string | null): Session {
    const s = this.sessions.get(id);
    // Another window's terminal is as good as unknown to this one.
    if (!s || s.owner !== caller) throw new AppError('not-found', msg('This terminal is closed; open a new one.'));
    return s;
  }

  private attach(s: Session, channel: ClientChannel): void {
    s.channel = channel;
    if (s.batch.paused) channel.pause();
    // A multibyte character split across two chunks must survive: decode as a stream.
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    let exit: { code: number | null; signal: string | null } | null = null;
    channel.on('data', (chunk: Buffer) => this.output(s, out.write(chunk)));
    channel.stderr.on('data', (chunk: Buffer) => this.output(s, err.write(chunk)));
    channel.on('exit', (code: number | null, signal?: string) => (exit = { code: code ?? null, signal: signal ?? null }));
    channel.on('error', () => undefined); // 'close' follows and decides
    channel.once('close', () => {
      if (s.channel !== channel) return;
      s.channel = null;
      this.output(s, out.end() + err.end());
      if (exit) {
        s.batch.flush();
        this.events.emit('terminal.exit', { terminalId: s.id, ...exit }, s.owner ?? undefined);
        return this.end(s, exit.signal ? `The shell was killed (${exit.signal}).` : `The shell exited with status ${exit.code ?? 'unknown'}.`);
      }
      // Without an exit status the connection itself is likely gone: the manager has then said
      // so (ssh.state) by the next turn, and the terminal waits for the reconnect.
      setImmediate(() => {
        if (s.state === 'open' && !s.channel) this.end(s, 'The server closed the shell.');
      });
    });
  }

  private async reopen(s: Session, client: Client): Promise<void> {
    if (!this.sessions.has(s.id)) return;
    try {
      const channel = await openShell(client, s.cols, s.rows);
      // Closed while the shell was opening.
      if (!this.sessions.has(s.id)) return void channel.close();
      this.output(s, RECONNECTED);
      this.attach(s, channel);
      this.setState(s, 'open');
    } catch (error) {
      this.end(s, error instanceof AppError ? error.message : 'The server refused a new shell after reconnecting.');
    }
  }

  private output(s: Session, text: string): void {
    if (!text || s.state === 'closed') return;
    s.batch.push([text], text.length);
  }

  private setState(s: Session, state: TerminalState, reason?: string): void {
    s.state = state;
    this.events.emit('terminal.state', reason === undefined ? { terminalId: s.id, state } : { terminalId: s.id, state, reason }, s.owner ?? undefined);
  }

  private end(s: Session, reason: string): void {
    if (s.state === 'closed') return;
    s.batch.flush();
    this.setState(s, 'closed', reason);
    this.sessions.delete(s.id);
    const channel = s.channel;
    s.channel = null;
    channel?.close();
    s.lease.release();
  }
}

function openShell(client: Client, cols: number, rows: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const refused = (error: Error) => reject(new AppError('ssh', msg('The server refused to open a shell.'), { details: error.message }));
    try {
      openWithSmallWindow(
        client,
        SSH_WINDOW,
        (opened) => client.shell({ term: 'xterm-256color', cols, rows, width: 0, height: 0 }, opened),
        (error, channel) => (error ? refused(error) : resolve(channel)),
      );
    } catch (error) {
      refused(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
