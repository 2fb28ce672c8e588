// DNS's part of the contract: zones and their records (the desired state, kept by the app), the
// plan against what was last pushed, the push to every nameserver (tasks on their queues, each
// done only when the nameserver answers the new serial), per-nameserver status, import of a
// live zone file, and A/AAAA records for a site's domains.
import { z } from 'zod';
import { ServerId } from '../domain';
import { DnsRecord, NsSettings, Soa, Ttl, Zone, ZoneName } from '../dns';
import { SiteName } from '../hosting';
import { Task } from '../queue';

const NsState = z.enum(['in-sync', 'stale', 'missing', 'unreachable', 'unknown']);
type NsState = z.infer<typeof NsState>;

export const NsStatus = z.object({
  serverId: z.string(),
  server: z.string(),
  /** The serial this nameserver serves for the zone (null: no answer, or not served). */
  serial: z.number().nullable(),
  state: NsState,
  detail: z.string(),
  checkedAt: z.string().nullable(),
});
export type NsStatus = z.infer<typeof NsStatus>;

export const ZoneSummary = z.object({
  name: z.string(),
  records: z.number().int(),
  /** The serial of the last push (null: never pushed). */
  serial: z.number().nullable(),
  pushedAt: z.string().nullable(),
  /** Whether the zone differs from what was last pushed. */
  changed: z.boolean(),
  nameservers: z.array(NsStatus),
});
export type ZoneSummary = z.infer<typeof ZoneSummary>;

export const ZonePlan = z.object({
  zone: z.string(),
  isNew: z.boolean(),
  added: z.array(DnsRecord),
  changed: z.array(z.object({ from: DnsRecord, to: DnsRecord })),
  removed: z.array(DnsRecord),
  soaChanged: z.boolean(),
  hasChanges: z.boolean(),
  /** Why this zone's push needs an explicit confirmation (empty: it does not). */
  confirmReasons: z.array(z.string()),
});
export type ZonePlan = z.infer<typeof ZonePlan>;

export const Nameserver = z.object({ serverId: z.string(), name: z.string(), settings: NsSettings, queryAt: z.string() });
export type Nameserver = z.infer<typeof Nameserver>;

const ZoneRef = z.object({ zone: ZoneName }).strict();

export const dnsApi = {
  /** Every zone with its per-nameserver status (refresh: ask every nameserver now). */
  'dns.zones': {
    input: z.object({ refresh: z.boolean().optional() }).strict(),
    output: z.object({ zones: z.array(ZoneSummary), nameservers: z.array(Nameserver) }),
  },
  'dns.zone': {
    input: ZoneRef,
    /** version: team mode's version of the zone (an edit carries it as baseVersion). */
    output: z.object({ zone: Zone, plan: ZonePlan, version: z.number().int().positive().optional() }),
  },
  /** A new zone with its SOA and apex NS records (nothing is pushed until asked). */
  'dns.createZone': {
    input: z.object({ zone: ZoneName, ttl: Ttl, soa: Soa, nameservers: z.array(z.string().max(254)).min(1, 'At least one nameserver').max(13) }).strict(),
    output: z.object({ zone: Zone }),
  },
  /** Replaces a zone's SOA settings, default TTL and records as a whole (validated per record and across the zone). */
  'dns.saveZone': {
    input: z.object({ zone: Zone, baseVersion: z.number().int().positive().optional() }).strict(),
    output: z.object({ zone: Zone }),
  },
  /**
   * Adds a record, or replaces `old` (exactly as stored) with it. baseVersion (team mode): the
   * zone's version the edit was based on; someone else's change since is a conflict carrying both.
   */
  'dns.putRecord': {
    input: z.object({ zone: ZoneName, record: DnsRecord, old: DnsRecord.optional(), baseVersion: z.number().int().positive().optional() }).strict(),
    output: z.object({ zone: Zone }),
  },
  'dns.deleteRecord': {
    input: z.object({ zone: ZoneName, record: DnsRecord, baseVersion: z.number().int().positive().optional() }).strict(),
    output: z.object({ zone: Zone }),
  },
  /** Takes a zone off every nameserver (stanza and file; named-checkconf, rndc reconfig; done when each no longer serves it) and out of Hostdeck. `confirm` repeats its name. */
  'dns.deleteZone': {
    input: z.object({ zone: ZoneName, confirm: z.string().max(253) }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Forgets a zone in Hostdeck (the nameservers keep serving what they have). `confirm` repeats its name. */
  'dns.forgetZone': {
    input: z.object({ zone: ZoneName, confirm: z.string().max(253) }).strict(),
    output: z.object({}),
  },
  /** The plan of every zone (or the given ones) against what was last pushed. */
  'dns.plan': {
    input: z.object({ zones: z.array(ZoneName).max(10_000).optional() }).strict(),
    output: z.object({ plans: z.array(ZonePlan) }),
  },
  /**
   * Pushes the given zones (default: every changed zone) to every nameserver: one task on each
   * nameserver's queue. Zones whose plan needs a confirmation must be named in `confirm`.
   */
  'dns.push': {
    input: z.object({ zones: z.array(ZoneName).max(10_000).optional(), confirm: z.array(ZoneName).max(10_000).optional() }).strict(),
    output: z.object({ serials: z.record(z.string(), z.number()), tasks: z.array(Task) }),
  },
  /** A nameserver's DNS settings (zone directory, included zones config, rndc, where to query). */
  'dns.settings': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.object({ settings: NsSettings }),
  },
  'dns.setSettings': {
    input: z.object({ serverId: ServerId, settings: NsSettings }).strict(),
    output: z.object({ settings: NsSettings }),
  },
  /**
   * Reads a zone file from a nameserver over SFTP (default: <zoneDir>/db.<zone>) and parses it;
   * with save, the zone becomes Hostdeck's, as pushed (its plan is empty).
   */
  'dns.importZone': {
    input: z.object({ serverId: ServerId, zone: ZoneName, path: NsSettings.shape.zoneDir.optional(), save: z.boolean() }).strict(),
    output: z.object({ zone: Zone, serial: z.number(), warnings: z.array(z.string()) }),
  },
  /**
   * A/AAAA records for a site's domains and aliases (or the given names), each in the zone that
   * is its longest suffix; names no zone covers are listed.
   */
  'dns.addSiteRecords': {
    input: z
      .object({
        serverId: ServerId,
        site: SiteName.optional(),
        names: z.array(z.string().max(253)).max(1000).optional(),
        addresses: z.array(z.string().max(45)).min(1, 'At least one address').max(8),
        ttl: Ttl.optional(),
      })
      .strict(),
    output: z.object({ added: z.array(z.object({ zone: z.string(), record: DnsRecord })), uncovered: z.array(z.string()) }),
  },
} as const;
