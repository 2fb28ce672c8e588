// Sites and hosting settings in team mode: one row of `sites` per site (id "<server id>/<site>")
// and one of `hosting_settings` per server, read from the synced cache (records.ts). A server's
// sites saved whole are written as the rows that differ; the settings form's save, and an edit of
// one site (its PHP, cron jobs, logs), are checked against the version it was opened at (someone
// else's change since: a conflict with both).
import { isDeepStrictEqual } from 'node:util';
import { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { settingsWithDefaults, type HostingStore } from '../hosting/store';
import type { TeamRecords } from './records';

export const siteRowId = (serverId: string, site: string): string => `${serverId}/${site}`;

export function teamSiteStore(records: TeamRecords): HostingStore {
  // Sites by server, derived once per change of the table (a fleet's sites are read often).
  let index: { generation: number; byServer: Map<string, SiteRecord[]> } = { generation: -1, byServer: new Map() };
  const byServer = () => {
    const generation = records.generation('sites');
    if (index.generation === generation) return index.byServer;
    const map = new Map<string, SiteRecord[]>();
    for (const [id, row] of records.all('sites')) {
      const parsed = SiteRecord.safeParse(row.data);
      if (!parsed.success) continue; // a row written by a newer Hostdeck: not ours to show
      const serverId = id.slice(0, id.indexOf('/'));
      map.set(serverId, [...(map.get(serverId) ?? []), parsed.data]);
    }
    for (const list of map.values()) list.sort((a, b) => a.name.localeCompare(b.name));
    index = { generation, byServer: map };
    return map;
  };
  const settingsOf = (serverId: string) => {
    const row = records.get('hosting_settings', serverId);
    const parsed = HostingSettings.partial().safeParse(row?.data ?? {});
    return { settings: settingsWithDefaults(parsed.success ? parsed.data : {}), version: row?.version };
  };
  return {
    state: (serverId) => {
      const { settings, version } = settingsOf(serverId);
      const sites = byServer().get(serverId) ?? [];
      const siteVersions = Object.fromEntries(sites.flatMap((s) => { const v = records.get('sites', siteRowId(serverId, s.name))?.version; return v === undefined ? [] : [[s.name, v]]; }));
      return { sites, settings, settingsVersion: version ?? 0, siteVersions };
    },
    sync: () => records.refresh(),
    assertSiteVersion: (serverId, { site, baseVersion }) => records.assertVersion('sites', siteRowId(serverId, site), baseVersion),
    save: async (serverId, sites, based) => {
      const next = new Map(sites.map((s) => [siteRowId(serverId, s.name), s]));
      const basedId = based && siteRowId(serverId, based.site);
      // The site a person edited is written over the version they opened (a change since: a conflict, nothing written; no change: not written again); the rest as settled.
      for (const [id, site] of next) {
        if (id !== basedId) await records.putLatest('sites', id, () => site);
        else if (!isDeepStrictEqual(records.get('sites', id)?.data, JSON.parse(JSON.stringify(site)))) await records.put('sites', id, site, based!.baseVersion);
      }
      for (const id of [...records.all('sites').keys()]) if (id.startsWith(`${serverId}/`) && !next.has(id)) await records.putLatest('sites', id, () => null);
    },
    saveSettings: async (serverId, change, baseVersion) => {
      if (baseVersion === undefined) {
        await records.putLatest('hosting_settings', serverId, (current) => ({ ...settingsWithDefaults(current as Partial<HostingSettings> | undefined), ...change }));
        return;
      }
      // 0: the form was opened when no settings were saved (someone saving first is a conflict too).
      await records.put('hosting_settings', serverId, { ...settingsOf(serverId).settings, ...change }, baseVersion === 0 ? null : baseVersion);
    },
  };
}
