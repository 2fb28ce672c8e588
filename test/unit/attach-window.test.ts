// attachWindow's event routing (a fake core: pure logic): an event for one window (a terminal's
// output) reaches that window only; an event for everyone reaches every window.
import { describe, expect, it } from 'vitest';
import type { CoreToWindow } from '../../shared/protocol';
import { attachWindow } from '../../src-main/core/attach-window';
import type { Core } from '../../src-main/core/core';
import type { EventListener } from '../../src-main/core/events';

function fakeCore() {
  const listeners = new Set<EventListener>();
  const callers: string[] = [];
  const core = {
    call: async (_method: string, _input: unknown, caller?: { windowId: string }) => {
      callers.push(caller!.windowId);
      return { ok: true, output: {} };
    },
    subscribe: (l: EventListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    windowClosed: () => undefined,
  } as unknown as Core;
  const emit = (event: string, payload: unknown, to?: string) => {
    for (const l of listeners) l(event as never, payload, to);
  };
  return { core, callers, emit, listeners };
}

describe('attachWindow', () => {
  it('sends an event meant for one window to that window only', async () => {
    const { core, callers, emit, listeners } = fakeCore();
    const got: Record<'a' | 'b', CoreToWindow[]> = { a: [], b: [] };
    const a = attachWindow(core, (m) => got.a.push(m));
    const b = attachWindow(core, (m) => got.b.push(m));
    a.receive({ kind: 'call', id: 1, method: 'app.info', input: {} });
    b.receive({ kind: 'call', id: 1, method: 'app.info', input: {} });
    await new Promise((r) => setTimeout(r, 0));
    const [windowA, windowB] = callers;
    expect(windowA).not.toBe(windowB);

    emit('terminal.data', { terminalId: 't1', data: 'secret output' }, windowA);
    emit('queue.changed', { serverId: 's' });
    const events = (list: CoreToWindow[]) => list.filter((m) => m.kind === 'event').map((m) => (m as { event: string }).event);
    expect(events(got.a)).toEqual(['terminal.data', 'queue.changed']);
    expect(events(got.b)).toEqual(['queue.changed']);

    a.detach();
    b.detach();
    expect(listeners.size).toBe(0);
  });
});
