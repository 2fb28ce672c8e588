// DNS zones and nameserver settings in team mode: one row of `zones` per zone (id = its name; the
// zone as edited and as last pushed) and one of `ns_settings` per nameserver, read from the synced
// cache (records.ts). An edit made in the UI is checked against the zone's version it was opened
// at; the app's own writes (a push recorded, records added for a site) go over the latest version.
import { DEFAULT_NS_SETTINGS, NsSettings, ZoneName } from '../../../shared/dns';
import { StoredZone, type ZoneStore } from '../dns/store';
import type { TeamRecords } from './records';

export function teamDnsStore(records: TeamRecords): ZoneStore {
  // A zone parsed once per version (10,000 records take a while to check).
  const parsed = new Map<string, { version: number; stored: StoredZone }>();
  const put = async (stored: StoredZone, baseVersion?: number) => {
    const name = stored.zone.name;
    if (baseVersion === undefined) await records.putLatest('zones', name, () => stored);
    else await records.put('zones', name, stored, baseVersion);
  };
  return {
    names: () => [...records.all('zones').keys()].filter((n) => ZoneName.safeParse(n).success).sort(),
    get: (zone) => {
      const row = records.get('zones', zone);
      if (!row) return null;
      const cached = parsed.get(zone);
      if (cached?.version === row.version) return cached.stored;
      const checked = StoredZone.safeParse(row.data);
      if (!checked.success) return null; // a row written by a newer Hostdeck: not ours to show
      parsed.set(zone, { version: row.version, stored: checked.data });
      return checked.data;
    },
    versionOf: (zone) => records.get('zones', zone)?.version,
    assertVersion: (zone, baseVersion) => records.assertVersion('zones', zone, baseVersion),
    put,
    // A push's record: what was pushed goes over the latest zone, in one transaction; an edit made
    // elsewhere meanwhile is kept (and shows as not pushed), a zone removed meanwhile stays removed.
    putMany: async (list) => {
      const pushed = new Map(list.map((s) => [s.zone.name, s]));
      await records.putLatestMany('zones', [...pushed.keys()], (name, current) => {
        const parsed = StoredZone.safeParse(current);
        return parsed.success ? { ...parsed.data, pushed: pushed.get(name)!.pushed } : null;
      });
    },
    remove: async (zone) => {
      await records.putLatest('zones', zone, () => null);
      parsed.delete(zone);
    },
    nsSettings: (serverId) => {
      const checked = NsSettings.safeParse(records.get('ns_settings', serverId)?.data);
      return checked.success ? checked.data : DEFAULT_NS_SETTINGS;
    },
    nsServerIds: () => [...records.all('ns_settings').keys()],
    saveNsSettings: (serverId, settings) => records.putLatest('ns_settings', serverId, () => settings),
  };
}
