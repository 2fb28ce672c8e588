// The fleet map's one read: what the renderer would otherwise gather with a call per server
// (sites) plus the inventory, health, DNS and queue reads, taken from the services' own state
// (no SSH: the zones' nameserver states are the last ones asked).
import type { FleetMap } from '../../../shared/api/fleet';
import type { ServerHealth } from '../../../shared/api/health';
import type { ZoneSummary } from '../../../shared/api/dns';
import type { SiteRecord } from '../../../shared/api/hosting';
import type { QueueOverview } from '../../../shared/queue';
import type { StoredServer } from '../inventory/store';

export type FleetSources = {
  servers(): readonly StoredServer[];
  health(): ServerHealth[];
  sites(serverId: string): SiteRecord[];
  zones(): Promise<ZoneSummary[]>;
  queues(): QueueOverview[];
};

export async function fleetMap(src: FleetSources): Promise<FleetMap> {
  const servers = src.servers();
  const health = new Map(src.health().map((h) => [h.serverId, h]));
  const ids = new Set(servers.map((s) => s.id));
  return {
    servers: servers.map((s) => {
      const h = health.get(s.id);
      return { id: s.id, name: s.name, host: s.host, roles: s.roles, tags: s.tags, jumpHostId: s.jumpHostId && ids.has(s.jumpHostId) ? s.jumpHostId : null, status: h?.status ?? 'unknown', reason: h?.reason ?? 'Not checked yet.' };
    }),
    sites: servers.flatMap((s) => {
      let sites: SiteRecord[];
      try {
        sites = src.sites(s.id);
      } catch {
        return []; // removed meanwhile
      }
      return sites.map((site) => ({ serverId: s.id, name: site.name, suspended: site.status === 'suspended', domains: site.domains.map((d) => d.domain) }));
    }),
    zones: (await src.zones()).map((z) => ({ name: z.name, nameservers: z.nameservers.map((n) => ({ serverId: n.serverId, state: n.state })) })),
    queues: src.queues().filter((q) => ids.has(q.serverId) && q.pending + q.running + q.failed > 0),
  };
}
