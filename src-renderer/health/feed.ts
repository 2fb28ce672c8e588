// The fleet's health in the window: one react-query cache fed by health.changed events, the
// count of servers needing attention (badge + window title), and which changes are alerts.
import { useEffect, useMemo, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Output } from '../../shared/api';
import { HEALTH_HISTORY_SHOWN, type HealthChange, type HealthStatus, type ServerHealth } from '../../shared/api/health';
import { client } from '../client/client';

export const healthKey = ['health'] as const;
type HealthData = Output<'health.get'>;

export function useHealth() {
  return useQuery({ queryKey: healthKey, queryFn: () => client.call('health.get', {}) });
}

/** serverId -> latest result. */
export function useHealthByServer(): Record<string, ServerHealth> {
  const data = useHealth().data;
  return useMemo(() => Object.fromEntries((data?.servers ?? []).map((h) => [h.serverId, h])), [data]);
}

export const needsAttention = (status: HealthStatus): boolean => status === 'warn' || status === 'alert' || status === 'down';

/** Worth interrupting someone for: getting worse or recovering. Not a first confirmation (unknown -> ok). */
export const isAlert = (change: HealthChange): boolean => needsAttention(change.from) || needsAttention(change.to);

/** Keeps the cache current (call once per window); alerts go to onAlert. */
export function useHealthFeed(onAlert: (change: HealthChange) => void): void {
  const queryClient = useQueryClient();
  const alert = useRef(onAlert);
  alert.current = onAlert;
  useEffect(() => {
    // A tick over a big fleet sends one event per server within a moment: they are applied
    // together once per frame, so the window renders once for them, not once per server.
    let pending: { health: ServerHealth; change?: HealthChange }[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = pending;
      pending = [];
      const latest = new Map(batch.map(({ health }) => [health.serverId, health]));
      const changes = batch.flatMap(({ change }) => (change ? [change] : []));
      queryClient.setQueryData<HealthData>(healthKey, (data) => {
        if (!data) return data;
        const known = new Set(data.servers.map((s) => s.serverId));
        return {
          servers: [...data.servers.map((s) => latest.get(s.serverId) ?? s), ...[...latest.values()].filter((h) => !known.has(h.serverId))],
          history: changes.length ? [...data.history, ...changes].slice(-HEALTH_HISTORY_SHOWN) : data.history,
        };
      });
    };
    const offChanged = client.on('health.changed', (event) => {
      pending.push(event);
      timer ??= setTimeout(flush, 16);
      if (event.change && isAlert(event.change)) alert.current(event.change);
    });
    // Added or removed servers: the core's list is the truth.
    const offInventory = client.on('inventory.changed', () => void queryClient.invalidateQueries({ queryKey: healthKey }));
    return () => {
      offChanged();
      offInventory();
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);
}

/** How many servers are warn or down; also shown in the window title, "(2) Hostdeck". */
export function useAttentionCount(): number {
  const count = (useHealth().data?.servers ?? []).filter((h) => needsAttention(h.status)).length;
  useEffect(() => {
    document.title = count ? `(${count}) Hostdeck` : 'Hostdeck';
  }, [count]);
  return count;
}
