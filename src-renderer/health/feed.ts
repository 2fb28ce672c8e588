// The fleet's health in the window: one react-query cache fed by health.changed events, the
// count of servers needing attention (badge + window title), and which changes are alerts.
import { useEffect, useRef } from 'react';
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
  return Object.fromEntries((data?.servers ?? []).map((h) => [h.serverId, h]));
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
    const offChanged = client.on('health.changed', ({ health, change }) => {
      queryClient.setQueryData<HealthData>(healthKey, (data) =>
        data && {
          servers: data.servers.some((s) => s.serverId === health.serverId) ? data.servers.map((s) => (s.serverId === health.serverId ? health : s)) : [...data.servers, health],
          history: change ? [...data.history, change].slice(-HEALTH_HISTORY_SHOWN) : data.history,
        },
      );
      if (change && isAlert(change)) alert.current(change);
    });
    // Added or removed servers: the core's list is the truth.
    const offInventory = client.on('inventory.changed', () => void queryClient.invalidateQueries({ queryKey: healthKey }));
    return () => {
      offChanged();
      offInventory();
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
