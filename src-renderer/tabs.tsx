// The centre's tabs. Every open tab stays mounted (hidden when not active), so a terminal or a
// long result survives switching. Each feature adds its kind here and renders it in TabBody.
import type { Server } from '../shared/domain';
import { ServerView, type Health } from './components/ServerView';

export type Tab = { id: string; kind: 'server'; serverId: string };

export type TabContext = {
  servers: Server[];
  onEdit: (serverId: string) => void;
  onRemoved: (serverId: string) => void;
  onHealth: (serverId: string, health: Health) => void;
};

export function tabTitle(tab: Tab, servers: Server[]): string {
  const server = servers.find((s) => s.id === tab.serverId);
  return server?.name ?? 'removed server';
}

export function TabBody({ tab, ctx }: { tab: Tab; ctx: TabContext }) {
  const server = ctx.servers.find((s) => s.id === tab.serverId);
  if (!server) return <p className="muted">This server is no longer in the inventory.</p>;
  return <ServerView server={server} onEdit={() => ctx.onEdit(server.id)} onRemoved={() => ctx.onRemoved(server.id)} onHealth={(h) => ctx.onHealth(server.id, h)} />;
}
