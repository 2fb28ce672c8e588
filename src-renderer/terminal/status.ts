// Each terminal tab's connection state, for the tab strip (which lives outside the tab).
import { useSyncExternalStore } from 'react';
import type { TerminalState } from '../../shared/api/terminal';

const states = new Map<string, TerminalState>();
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function publishTerminalState(tabId: string, state: TerminalState | null): void {
  if (state) states.set(tabId, state);
  else states.delete(tabId);
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTerminalState(tabId: string): TerminalState {
  return useSyncExternalStore(subscribe, () => states.get(tabId) ?? 'connecting');
}
