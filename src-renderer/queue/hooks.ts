// The queues as the renderer sees them: a server's tasks, and which servers' queues are stopped
// on a failure (the sidebar badge), both kept current by queue.changed events.
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';

export function useQueue(serverId: string) {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.on('queue.changed', (e) => {
        if (e.serverId === serverId) void queryClient.invalidateQueries({ queryKey: ['queue.list', serverId] });
      }),
    [queryClient, serverId],
  );
  return useQuery({ queryKey: ['queue.list', serverId], queryFn: () => client.call('queue.list', { serverId }) });
}

/** Servers whose queue is stopped on a failed task. */
export function useStoppedQueues(): Set<string> {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.on('queue.changed', ({ task }) => {
        if (task.status === 'failed') notifyFailure(task);
        void queryClient.invalidateQueries({ queryKey: ['queue.overview'] });
      }),
    [queryClient],
  );
  const overview = useQuery({ queryKey: ['queue.overview'], queryFn: () => client.call('queue.overview', {}) });
  return new Set((overview.data?.servers ?? []).filter((s) => s.failed > 0).map((s) => s.serverId));
}

/** A desktop notification when a task fails (if the user allowed them, e.g. from Fleet health). */
function notifyFailure(task: Task): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification('A queued task failed', { body: `${task.title} (exit ${task.exitCode ?? '—'}); the server's queue is stopped.`, tag: `hostdeck-queue-${task.serverId}` });
}
