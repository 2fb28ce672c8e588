// Going from solo to team mode and back without restarting the app: the core the windows talk to
// is this stand-in; a mode change closes the inner core (its queue runners stop, its files and
// database connections close), changes the data folder (team.json, imported or exported data),
// then opens the inner core again in the new mode. Subscribers stay subscribed across the swap.
import type { Core } from '../core';
import type { EventListener } from '../events';

export type SwitchMode = (change: () => Promise<void>) => Promise<void>;

export async function switchingCore(open: (switchMode: SwitchMode) => Promise<Core>): Promise<Core> {
  const listeners = new Set<EventListener>();
  let current: Core;
  let detach = () => {};
  const attach = (core: Core) => {
    current = core;
    detach = core.subscribe((event, payload, to) => {
      for (const l of listeners) l(event, payload, to);
    });
  };
  const switchMode: SwitchMode = async (change) => {
    detach();
    await current.close();
    try {
      await change();
    } finally {
      attach(await open(switchMode));
    }
  };
  attach(await open(switchMode));
  const wrapper = {
    call: (method, input, caller) => current.call(method, input, caller),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    windowClosed: (windowId) => current.windowClosed(windowId),
    close: () => current.close(),
  } as Pick<Core, 'call' | 'subscribe' | 'windowClosed' | 'close'> as Core;
  // The services tests and the host reach through the core: always the current inner core's.
  for (const key of Object.keys(current!) as (keyof Core)[]) {
    if (key in wrapper) continue;
    Object.defineProperty(wrapper, key, { get: () => current[key], enumerable: true });
  }
  return wrapper;
}
