// Terminals against the real sshd of web1, through the core's contract: a shell that answers,
// window-change on resize, UTF-8 that survives chunk boundaries, end-to-end flow control (no ack,
// no more output), little held behind a paused flood (the channel's small SSH window), Ctrl-C
// that stops a flood within a second, a shell that comes back by itself after the server side
// drops the connection, the reason shown on disconnect and on the shell's exit, windows that own
// their terminals, and sizes and writes refused at the contract.
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/events';
import { exec } from '../../src-main/core/ssh/connect';
import { FLOW } from '../../src-main/core/terminal/service';
import { coreSuite } from '../helpers/core';

const suite = coreSuite();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(label: string) {
  const t = await suite.web1(label);

  /** Opens a terminal and follows it like a window does, acking what it "renders" unless told not to. */
  const open = async (options: { autoAck?: boolean; windowId?: string } = {}) => {
    const caller = { windowId: options.windowId ?? null };
    const call = async <T = unknown>(method: string, input: unknown): Promise<T> => {
      const r = await t.core.call(method, input, caller);
      if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.message}`), { shape: r.error });
      return r.output as T;
    };
    const { terminalId } = await call<{ terminalId: string }>('terminal.open', { serverId: t.server.id, cols: 80, rows: 24 });
    const term = {
      id: terminalId,
      autoAck: options.autoAck ?? true,
      /** The screen's text so far (the last MiB of it). */
      text: '',
      received: 0,
      acked: 0,
      states: [] as string[],
      closedReason: null as string | null,
      exit: null as EventPayload<'terminal.exit'> | null,
      call,
      write: (data: string) => call('terminal.write', { terminalId, data }),
      ack: async (chars: number) => {
        term.acked += chars;
        await call('terminal.ack', { terminalId, chars });
      },
      /** Waits until the output (after `from`) matches. */
      waitFor: async (re: RegExp, timeout = 10_000, from = 0) => {
        await expect.poll(() => re.test(term.text.slice(from)), { timeout, interval: 10 }).toBe(true);
      },
    };
    t.core.subscribe((event, payload) => {
      const p = payload as { terminalId?: string };
      if (p.terminalId !== terminalId) return;
      if (event === 'terminal.data') {
        const { data } = payload as EventPayload<'terminal.data'>;
        term.received += data.length;
        term.text = (term.text + data).slice(-1024 * 1024);
        if (term.autoAck) void term.ack(data.length);
      } else if (event === 'terminal.state') {
        const { state, reason } = payload as EventPayload<'terminal.state'>;
        term.states.push(state);
        if (state === 'closed') term.closedReason = reason ?? null;
      } else if (event === 'terminal.exit') term.exit = payload as EventPayload<'terminal.exit'>;
    });
    await term.waitFor(/\$ (\x1b\[K)?$/); // the prompt
    return term;
  };
  return { ...t, open };
}

describe('terminal', () => {
  it('runs what is typed and shows its output', async () => {
    const { open } = await setup('term-echo');
    const term = await open();
    await term.write('echo hello-$((6*7))\n');
    await term.waitFor(/hello-42/);
  });

  it('tells the shell the new size on resize (window-change)', async () => {
    const { open } = await setup('term-resize');
    const term = await open();
    await term.call('terminal.resize', { terminalId: term.id, cols: 123, rows: 37 });
    await term.write('stty size\n');
    await term.waitFor(/^37 123\r?$/m);
  });

  it('keeps multibyte characters whole across chunk boundaries', async () => {
    const { open } = await setup('term-utf8');
    const term = await open();
    const from = term.text.length;
    // 100,000 two-byte characters: the channel's 32 KiB packets split many of them.
    await term.write("printf 'é%.0s' $(seq 1 100000); echo; echo utf8-$((1+1))\n");
    await term.waitFor(/utf8-2/, 10_000, from);
    const out = term.text.slice(from);
    expect(out).not.toContain('\uFFFD');
    const run = `\r${'é'.repeat(100_000)}\r\nutf8-2`; // after the command line, exactly 100,000
    expect(out.includes(run)).toBe(true);
  });

  it('stops reading while the window has not acknowledged HIGH characters, and goes on after acks', async () => {
    const { open } = await setup('term-flow');
    const term = await open({ autoAck: false });
    await term.ack(term.received); // the prompt
    const before = term.received;
    await term.write('yes | head -c 50000000\n');
    // Output stops by itself: nothing new for half a second.
    let last = -1;
    await expect.poll(async () => {
      const now = term.received;
      const still = now === last;
      last = now;
      await sleep(500);
      return still && now > before;
    }, { timeout: 15_000, interval: 0 }).toBe(true);
    const unacked = term.received - term.acked;
    // At most HIGH plus one coalesced batch that crossed it.
    expect(unacked).toBeGreaterThanOrEqual(FLOW.high - 64 * 1024);
    expect(unacked).toBeLessThanOrEqual(FLOW.high + 64 * 1024);
    await sleep(1000);
    expect(term.received - term.acked).toBe(unacked);

    // Acking resumes the flow; acking all the time lets several MiB through.
    term.autoAck = true;
    await term.ack(unacked);
    await expect.poll(() => term.received, { timeout: 15_000 }).toBeGreaterThan(before + 4 * 1024 * 1024);
    await term.write('\x03');
    await term.write('echo flow-$((2+3))\n');
    await term.waitFor(/flow-5/, 10_000, term.text.length - 4096);
  });

  it('holds little behind a paused flood, so a Ctrl-C there draws little more', async () => {
    const { open } = await setup('term-paused-ctrlc');
    const term = await open({ autoAck: false });
    await term.ack(term.received);
    await term.write('yes\n');
    // The window stops acking: output stops once HIGH characters wait.
    let last = -1;
    await expect.poll(async () => {
      const still = term.received === last && last > FLOW.high / 2;
      last = term.received;
      await sleep(300);
      return still;
    }, { timeout: 15_000, interval: 0 }).toBe(true);
    await term.write('\x03');
    await sleep(300); // the shell is back; what was on its way before the Ctrl-C waits in the core
    const atCtrlC = term.received;
    term.autoAck = true;
    await term.ack(term.received - term.acked);
    await term.write('echo paused-$((4*4))\n');
    await term.waitFor(/paused-16/, 10_000, Math.max(0, term.text.length - 4096));
    // What the core and sshd still held: the terminal's SSH window (128 KiB) of each, not the
    // 2 MiB that ssh2 grants by default.
    const after = term.received - atCtrlC;
    console.log(`[terminal] ${after} characters drawn after a Ctrl-C behind a paused flood`);
    expect(after).toBeLessThan(512 * 1024);
  });

  it('stops a flood with Ctrl-C within a second', async () => {
    const { open } = await setup('term-ctrlc');
    const term = await open();
    await term.write('yes\n');
    await expect.poll(() => term.received, { timeout: 10_000 }).toBeGreaterThan(1024 * 1024);
    const t0 = performance.now();
    await term.write('\x03');
    await term.write('echo stopped-$((3*3))\n');
    await term.waitFor(/stopped-9/, 5000, Math.max(0, term.text.length - 1024 * 1024));
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('comes back with a new shell after the server side drops the connection', async () => {
    const { core, server, open } = await setup('term-reconnect');
    const term = await open();
    await term.write('echo pid=$PPID\n');
    await term.waitFor(/pid=\d+/);
    const sessionPid = Number(/pid=(\d+)/.exec(term.text)![1]);
    const killer = await core.connections.connectFresh(server.id);
    await exec(killer.client, `kill -9 ${sessionPid}`);
    killer.close();
    await expect.poll(() => term.states, { timeout: 10_000 }).toEqual(['reconnecting', 'open']);
    await term.waitFor(/reconnected/);
    const from = term.text.length;
    await term.write('echo again-$((2*3)) pid=$PPID\n');
    await term.waitFor(/again-6 pid=\d+/, 10_000, from);
    expect(Number(/again-6 pid=(\d+)/.exec(term.text.slice(from))![1])).not.toBe(sessionPid);
  });

  it('closes with the reason when the user disconnects the server', async () => {
    const { call, server, open } = await setup('term-disconnect');
    const term = await open();
    await call('ssh.disconnect', { serverId: server.id });
    await expect.poll(() => term.states).toEqual(['closed']);
    expect(term.closedReason).toBe('Disconnected by the user.');
  });

  it('reports the exit of the shell and closes', async () => {
    const { open } = await setup('term-exit');
    const term = await open();
    await term.write('exit 3\n');
    await expect.poll(() => term.exit).toEqual({ terminalId: term.id, code: 3, signal: null });
    expect(term.states).toEqual(['closed']);
    expect((await term.call('terminal.write', { terminalId: term.id, data: 'x' }).catch((e: { shape: { code: string } }) => e.shape))).toMatchObject({ code: 'not-found' });
  });

  it('belongs to the window that opened it and ends when that window goes', async () => {
    const { core, open } = await setup('term-owner');
    const term = await open({ windowId: 'window-a' });
    const other = await core.call('terminal.write', { terminalId: term.id, data: 'echo x\n' }, { windowId: 'window-b' });
    expect(other).toMatchObject({ ok: false, error: { code: 'not-found' } });
    core.windowClosed('window-b');
    expect(term.states).toEqual([]);
    core.windowClosed('window-a');
    expect(term.states).toEqual(['closed']);
  });

  it('refuses oversized writes and impossible sizes at the contract', async () => {
    const { core, open } = await setup('term-invalid');
    const term = await open();
    const big = await core.call('terminal.write', { terminalId: term.id, data: 'x'.repeat(64 * 1024 + 1) });
    expect(big).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { data: 'At most 65536 characters per write' } } });
    const zero = await core.call('terminal.resize', { terminalId: term.id, cols: 0, rows: 24 });
    expect(zero).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { cols: 'At least 2 columns' } } });
    const huge = await core.call('terminal.open', { serverId: '00000000-0000-4000-8000-000000000000', cols: 80, rows: 5000 });
    expect(huge).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: { rows: 'At most 1000 rows' } } });
  });
});
