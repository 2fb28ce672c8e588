// The fleet map as a graph, before layout: servers grouped by their roles and first tag, the
// sites listed on each server, the DNS zones in a group of their own, jump-host routes (jump
// host -> server) and which nameserver serves which zone. A collapsed group stands for its
// servers (their edges end at it); a search marks what matches and opens the groups holding it.
// Pure: unit-tested without a browser.
import type { FleetMap } from '../../shared/api/fleet';
import type { HealthStatus } from '../../shared/api/health';
import { ROLES } from '../../shared/domain';

type MapServer = FleetMap['servers'][number];
type MapSite = FleetMap['sites'][number];
type MapQueue = FleetMap['queues'][number];
export type NsState = FleetMap['zones'][number]['nameservers'][number]['state'];

export const ZONES_GROUP = 'group:zones';

export type GroupNode = {
  kind: 'group';
  id: string;
  title: string;
  /** Servers (or zones) in it, and how many of each status. */
  size: number;
  counts: Record<HealthStatus, number>;
  collapsed: boolean;
  match: boolean;
};
export type ServerNode = { kind: 'server'; id: string; parent: string; server: MapServer; sites: MapSite[]; queue: MapQueue | null; match: boolean };
export type ZoneNode = { kind: 'zone'; id: string; parent: string; name: string; match: boolean; worst: NsState | null };
export type MapNode = GroupNode | ServerNode | ZoneNode;
export type MapEdge = { id: string; source: string; target: string; kind: 'jump' | 'dns'; state: NsState | null };
export type MapGraph = { nodes: MapNode[]; edges: MapEdge[]; matches: string[] };

const STATUSES: HealthStatus[] = ['ok', 'warn', 'alert', 'down', 'unknown'];
const NS_ORDER: NsState[] = ['unreachable', 'missing', 'stale', 'unknown', 'in-sync'];

export const serverNodeId = (id: string): string => `server:${id}`;
export const zoneNodeId = (name: string): string => `zone:${name}`;

/** The group a server is shown in: its roles (in the usual order) and its first tag. */
export function groupOf(server: Pick<MapServer, 'roles' | 'tags'>): { key: string; title: string; order: string } {
  const roles = ROLES.filter((r) => server.roles.includes(r));
  const tag = server.tags[0] ?? null;
  const roleText = roles.length ? roles.join(' + ') : 'no role';
  const firstRole = roles.length ? ROLES.indexOf(roles[0]!) : ROLES.length;
  return { key: `group:${roles.join('+') || '-'}|${tag ?? ''}`, title: `${roleText} · ${tag ?? 'untagged'}`, order: `${firstRole}|${roles.length}|${roles.join('+')}|${tag === null ? '~' : tag}` };
}

function matchesServer(s: MapServer, sites: MapSite[], needle: string): boolean {
  const hay = [s.name, s.host, ...s.tags, ...s.roles, ...sites.flatMap((x) => [x.name, ...x.domains])];
  return hay.some((v) => v.toLowerCase().includes(needle));
}

export function buildGraph(map: FleetMap, collapsed: ReadonlySet<string>, search: string): MapGraph {
  const needle = search.trim().toLowerCase();
  const sitesOf = new Map<string, MapSite[]>();
  for (const site of map.sites) (sitesOf.get(site.serverId) ?? sitesOf.set(site.serverId, []).get(site.serverId)!).push(site);
  const queueOf = new Map(map.queues.map((q) => [q.serverId, q]));

  const groups = new Map<string, { title: string; order: string; servers: MapServer[] }>();
  for (const s of [...map.servers].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))) {
    const g = groupOf(s);
    (groups.get(g.key) ?? groups.set(g.key, { title: g.title, order: g.order, servers: [] }).get(g.key)!).servers.push(s);
  }

  const nodes: MapNode[] = [];
  const matches: string[] = [];
  /** Where each server is drawn: its own node, or its collapsed group. */
  const shownAt = new Map<string, string>();
  for (const [key, g] of [...groups.entries()].sort((a, b) => a[1].order.localeCompare(b[1].order))) {
    const matched = needle ? g.servers.filter((s) => matchesServer(s, sitesOf.get(s.id) ?? [], needle)) : [];
    const isCollapsed = collapsed.has(key) && matched.length === 0;
    const counts = Object.fromEntries(STATUSES.map((st) => [st, g.servers.filter((s) => s.status === st).length])) as Record<HealthStatus, number>;
    nodes.push({ kind: 'group', id: key, title: g.title, size: g.servers.length, counts, collapsed: isCollapsed, match: matched.length > 0 });
    for (const s of g.servers) {
      if (isCollapsed) {
        shownAt.set(s.id, key);
        continue;
      }
      const id = serverNodeId(s.id);
      shownAt.set(s.id, id);
      const match = matched.includes(s);
      if (match) matches.push(id);
      nodes.push({ kind: 'server', id, parent: key, server: s, sites: sitesOf.get(s.id) ?? [], queue: queueOf.get(s.id) ?? null, match });
    }
  }

  const edges = new Map<string, MapEdge>();
  const addEdge = (source: string | undefined, target: string | undefined, kind: MapEdge['kind'], state: NsState | null) => {
    if (!source || !target || source === target) return;
    const id = `${kind}:${source}->${target}`;
    const known = edges.get(id);
    // Edges merged into a collapsed group keep the worst state among them.
    if (!known || (state && known.state && NS_ORDER.indexOf(state) < NS_ORDER.indexOf(known.state))) edges.set(id, { id, source, target, kind, state });
  };
  for (const s of map.servers) if (s.jumpHostId) addEdge(shownAt.get(s.jumpHostId), shownAt.get(s.id), 'jump', null);

  if (map.zones.length) {
    const zoneMatches = needle ? map.zones.filter((z) => z.name.toLowerCase().includes(needle)) : [];
    const isCollapsed = collapsed.has(ZONES_GROUP) && zoneMatches.length === 0;
    const worstOf = (z: FleetMap['zones'][number]): NsState | null => z.nameservers.reduce<NsState | null>((w, n) => (w === null || NS_ORDER.indexOf(n.state) < NS_ORDER.indexOf(w) ? n.state : w), null);
    const counts: Record<HealthStatus, number> = { ok: 0, warn: 0, alert: 0, down: 0, unknown: 0 };
    for (const z of map.zones) counts[nsHealth(worstOf(z))]++;
    nodes.push({ kind: 'group', id: ZONES_GROUP, title: 'DNS zones', size: map.zones.length, counts, collapsed: isCollapsed, match: zoneMatches.length > 0 });
    for (const z of [...map.zones].sort((a, b) => a.name.localeCompare(b.name))) {
      const id = isCollapsed ? ZONES_GROUP : zoneNodeId(z.name);
      if (!isCollapsed) {
        const match = zoneMatches.includes(z);
        if (match) matches.push(id);
        nodes.push({ kind: 'zone', id, parent: ZONES_GROUP, name: z.name, match, worst: worstOf(z) });
      }
      for (const ns of z.nameservers) addEdge(shownAt.get(ns.serverId), id, 'dns', ns.state);
    }
  }
  return { nodes, edges: [...edges.values()], matches };
}

/** A zone's worst nameserver state in health's colours. */
export function nsHealth(state: NsState | null): HealthStatus {
  if (state === 'in-sync') return 'ok';
  if (state === 'stale') return 'warn';
  if (state === 'missing' || state === 'unreachable') return 'down';
  return 'unknown';
}

/** The size a node is drawn at (the layout needs it before React renders anything). */
export const SERVER_W = 220;
export const ZONE_W = 220;
export const ZONE_H = 40;
export const GROUP_HEADER = 40;
export const COLLAPSED_W = 260;
export const COLLAPSED_H = 76;
export const SITES_SHOWN = 3;

export function serverHeight(node: ServerNode): number {
  const siteRows = Math.min(node.sites.length, SITES_SHOWN) + (node.sites.length > SITES_SHOWN ? 1 : 0);
  return 58 + (node.queue ? 22 : 0) + siteRows * 22 + (siteRows ? 6 : 0);
}
