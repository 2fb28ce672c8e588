// The fleet: servers grouped by tag, each with its health light.
import type { Server } from '../../shared/domain';
import type { ServerHealth } from '../../shared/api/health';
import { useStoppedQueues } from '../queue/hooks';

type Props = {
  servers: Server[];
  filter: string;
  selectedId: string | null;
  health: Record<string, ServerHealth>;
  onSelect: (id: string) => void;
};

export function groupByTag(servers: Server[]): [string, Server[]][] {
  const groups = new Map<string, Server[]>();
  for (const server of servers) {
    const tag = server.tags[0] ?? 'untagged';
    groups.set(tag, [...(groups.get(tag) ?? []), server]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === 'untagged' ? 1 : b === 'untagged' ? -1 : a.localeCompare(b)));
}

export function Sidebar({ servers, filter, selectedId, health, onSelect }: Props) {
  const stopped = useStoppedQueues();
  const needle = filter.trim().toLowerCase();
  const shown = needle ? servers.filter((s) => [s.name, s.host, ...s.tags, ...s.roles].some((v) => v.toLowerCase().includes(needle))) : servers;
  if (servers.length === 0) return <p className="muted sidebar-empty">No servers yet.</p>;
  if (shown.length === 0) return <p className="muted sidebar-empty">Nothing matches “{filter}”.</p>;
  return (
    <nav aria-label="Fleet">
      {groupByTag([...shown].sort((a, b) => a.name.localeCompare(b.name))).map(([tag, group]) => (
        <div key={tag} className="group">
          <div className="group-title">{tag}</div>
          <ul>
            {group.map((server) => (
              <li key={server.id}>
                <button className={`server-item ${server.id === selectedId ? 'selected' : ''}`} onClick={() => onSelect(server.id)} aria-current={server.id === selectedId}>
                  <span className={`light light-${health[server.id]?.status ?? 'unknown'}`} aria-label={`health ${health[server.id]?.status ?? 'unknown'}`} title={health[server.id]?.reason} />
                  <span className="server-name">{server.name}</span>
                  <span className="server-host muted">{server.host}</span>
                  {stopped.has(server.id) && <span className="badge queue-badge" title="Its task queue is stopped on a failed task" aria-label="queue stopped">!</span>}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
