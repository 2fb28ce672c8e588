// Support mode as the UI sees it: the setting, kept fresh by settings.changed.
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { client } from '../client/client';

export function useSupportMode(): boolean {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.call('settings.get', {}) });
  useEffect(() => client.on('settings.changed', () => void queryClient.invalidateQueries({ queryKey: ['settings'] })), [queryClient]);
  return settings.data?.supportMode ?? false;
}
