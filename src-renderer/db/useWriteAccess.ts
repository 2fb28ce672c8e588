// Whether the grid may offer edits on a server, and if not why — decided before any editor is
// shown, from the same two facts the core enforces (DbSessions.isReadOnly): support mode, and the
// server's own read-only flag. The core still refuses writes on its own; this only keeps the UI
// from offering what it would refuse.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSupportMode } from '../audit/support';
import { dbCall } from './api';

export type WriteAccess =
  /** Not known yet: nothing is offered until it is. */
  | { state: 'unknown' }
  | { state: 'writable' }
  | { state: 'read-only'; label: string; why: string };

export function useWriteAccess(serverId: string, serverName: string): WriteAccess {
  const supportMode = useSupportMode();
  const settingsKnown = useQueryClient().getQueryState(['settings'])?.status === 'success';
  const access = useQuery({ queryKey: ['db.getAccess', serverId], queryFn: () => dbCall('db.getAccess', { serverId }) });
  if (supportMode) return { state: 'read-only', label: 'Read-only: support mode', why: 'Support mode is on: every database session is read-only. Turn it off in Settings to edit.' };
  if (access.data?.readOnly) return { state: 'read-only', label: 'Read-only: server marked read-only', why: `The database access of ${serverName} is set to read-only (Access… on its Databases tab).` };
  return settingsKnown && access.data ? { state: 'writable' } : { state: 'unknown' };
}
