// React Query bindings for the contract. Events from the core invalidate the caches, so every
// window stays current whoever made the change.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConnectionState as SshState } from '../../shared/domain';
import { client } from './client';
import type { ConnectionState } from './transport';

export const keys = { servers: ['servers'] as const, info: ['app.info'] as const };

export function useServers() {
  const queryClient = useQueryClient();
  useEffect(() => client.on('inventory.changed', () => void queryClient.invalidateQueries({ queryKey: keys.servers })), [queryClient]);
  return useQuery({ queryKey: keys.servers, queryFn: () => client.call('servers.list', {}) });
}

export function useAppInfo() {
  return useQuery({ queryKey: keys.info, queryFn: () => client.call('app.info', {}) });
}

export function useConnectionState(): ConnectionState {
  const [state, setState] = useState(client.state);
  useEffect(() => {
    const unsubscribe = client.onState(setState);
    // The socket may have opened between the first render and this subscription.
    setState(client.state);
    return unsubscribe;
  }, []);
  return state;
}

/** Every server's SSH connection state, kept current by ssh.state events. */
export function useSshStates(): Record<string, SshState> {
  const [states, setStates] = useState<Record<string, SshState>>({});
  useEffect(() => {
    void client.call('ssh.states', {}).then((initial) => setStates((s) => ({ ...initial, ...s })));
    return client.on('ssh.state', ({ serverId, state }) => setStates((s) => ({ ...s, [serverId]: state })));
  }, []);
  return states;
}
