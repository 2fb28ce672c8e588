// DNS's part of the contract.
import type { dnsApi } from '../../../shared/api/dns';
import type { HandlersFor } from '../dispatch';
import type { DnsService } from './service';

export function dnsHandlers(dns: DnsService): HandlersFor<typeof dnsApi> {
  return {
    'dns.zones': async ({ refresh }) => dns.zones(refresh ?? false),
    'dns.zone': async ({ zone }) => dns.zone(zone),
    'dns.createZone': async (input) => ({ zone: await dns.createZone(input) }),
    'dns.saveZone': async ({ zone, baseVersion }) => ({ zone: await dns.saveZone(zone, baseVersion) }),
    'dns.putRecord': async ({ zone, record, old, baseVersion }) => ({ zone: await dns.putRecord(zone, record, old, baseVersion) }),
    'dns.deleteRecord': async ({ zone, record, baseVersion }) => ({ zone: await dns.deleteRecord(zone, record, baseVersion) }),
    'dns.forgetZone': async ({ zone, confirm }) => {
      await dns.forgetZone(zone, confirm);
      return {};
    },
    'dns.deleteZone': async ({ zone, confirm }) => ({ tasks: await dns.deleteZone(zone, confirm) }),
    'dns.plan': async ({ zones }) => ({ plans: dns.plan(zones) }),
    'dns.push': async ({ zones, confirm }) => dns.push(zones, confirm),
    'dns.settings': async ({ serverId }) => ({ settings: dns.settings(serverId) }),
    'dns.setSettings': async ({ serverId, settings }) => ({ settings: await dns.setSettings(serverId, settings) }),
    'dns.importZone': async ({ serverId, zone, path, save }) => dns.importZone(serverId, zone, path, save),
    'dns.addSiteRecords': async (input) => dns.addSiteRecords(input),
  };
}
