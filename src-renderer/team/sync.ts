// Team mode: another workstation's change to shared records (sites, zones, settings, …) refetches
// what every screen shows, as a change made here does.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { client } from '../client/client';

export function useTeamSync(): void {
  const queryClient = useQueryClient();
  useEffect(() => client.on('team.changed', () => void queryClient.invalidateQueries()), [queryClient]);
}
