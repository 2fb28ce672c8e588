// Drift reports in the renderer: the last report of every server (no SSH; refreshed every
// 30 s and after a check or an answer), and the checks themselves as mutations.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DriftReport } from '../../shared/api/drift';
import { client } from '../client/client';

export const DRIFT_KEY = ['drift', 'reports'] as const;

export function useDriftReports(): Record<string, DriftReport> {
  const q = useQuery({ queryKey: DRIFT_KEY, queryFn: () => client.call('drift.reports', {}), refetchInterval: 30_000 });
  return Object.fromEntries((q.data?.reports ?? []).map((r) => [r.serverId, r]));
}

export function useDriftCheck() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (serverId: string | null) => (serverId ? client.call('drift.check', { serverId }).then(() => undefined) : client.call('drift.checkFleet', {}).then(() => undefined)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: DRIFT_KEY }),
  });
}
