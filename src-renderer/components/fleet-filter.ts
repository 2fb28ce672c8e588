// What the fleet list shows: the search text and the role/tag/health filters applied to the
// inventory, grouped by first tag. Pure, so the list stays instant with 1,000 servers: the
// sorted servers and their search text are prepared once per inventory, a keystroke only filters.
import { ROLES, type Role, type Server } from '../../shared/domain';
import type { HealthStatus, ServerHealth } from '../../shared/api/health';

export type FleetFilters = { role: Role | ''; tag: string; health: HealthStatus | '' };
export const NO_FILTERS: FleetFilters = { role: '', tag: '', health: '' };

export type Prepared = { server: Server; haystack: string }[];

export type FleetRow = { kind: 'group'; tag: string; count: number } | { kind: 'server'; server: Server };

export const UNTAGGED = 'untagged';

/** Sorted by name, each with the text the search looks in (name, host, tags, roles). */
export function prepare(servers: Server[]): Prepared {
  return [...servers]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((server) => ({ server, haystack: [server.name, server.host, ...server.tags, ...server.roles].join('\n').toLowerCase() }));
}

/** Every tag of the fleet, sorted (the tag filter's choices). */
export function allTags(servers: Server[]): string[] {
  return [...new Set(servers.flatMap((s) => s.tags))].sort((a, b) => a.localeCompare(b));
}

export const roleChoices: readonly Role[] = ROLES;

export function filterFleet(prepared: Prepared, search: string, filters: FleetFilters, health: Record<string, ServerHealth>): Server[] {
  const needle = search.trim().toLowerCase();
  const shown: Server[] = [];
  for (const { server, haystack } of prepared) {
    if (needle && !haystack.includes(needle)) continue;
    if (filters.role && !server.roles.includes(filters.role)) continue;
    if (filters.tag && !server.tags.includes(filters.tag)) continue;
    if (filters.health && (health[server.id]?.status ?? 'unknown') !== filters.health) continue;
    shown.push(server);
  }
  return shown;
}

/** Groups (by first tag, "untagged" last) flattened into the rows of the list: a title, then its servers. */
export function fleetRows(shown: Server[]): FleetRow[] {
  const groups = new Map<string, Server[]>();
  for (const server of shown) {
    const tag = server.tags[0] ?? UNTAGGED;
    let group = groups.get(tag);
    if (!group) groups.set(tag, (group = []));
    group.push(server);
  }
  const order = [...groups.keys()].sort((a, b) => (a === UNTAGGED ? 1 : b === UNTAGGED ? -1 : a.localeCompare(b)));
  return order.flatMap((tag) => {
    const group = groups.get(tag)!;
    return [{ kind: 'group' as const, tag, count: group.length }, ...group.map((server) => ({ kind: 'server' as const, server }))];
  });
}
