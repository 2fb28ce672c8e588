// DNS-01 through Hostdeck's own zones: the `_acme-challenge.<name>` TXT records go into the zone
// that holds the name (the longest suffix among Hostdeck's zones) and are pushed to every
// nameserver with the ordinary push (tasks on the nameservers' queues); the CA is told only once
// each nameserver answers every record over DNS; afterwards the records are taken out and pushed
// again.
import { AppError, msg } from '../../../shared/errors';
import type { DnsRecord } from '../../../shared/dns';
import { askDns } from '../dns/query';
import type { DnsService } from '../dns/service';

const TTL = 60;
const ANSWER_DEADLINE_MS = 90_000;

export type TxtChallenge = { name: string; value: string };
type Placed = { zone: string; record: DnsRecord; fqdn: string; value: string };

/** The Hostdeck zone that holds `name` (longest suffix), or null. */
export function zoneOf(zones: string[], name: string): string | null {
  return zones.filter((z) => name === z || name.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0] ?? null;
}

export class Dns01 {
  constructor(private readonly dns: DnsService) {}

  /** Adds and pushes the records, then waits until every nameserver answers each; returns what to remove. */
  async publish(challenges: TxtChallenge[]): Promise<Placed[]> {
    const { zones, nameservers } = await this.dns.zones(false);
    const names = zones.map((z) => z.name);
    const placed: Placed[] = challenges.map((c) => {
      const fqdn = `_acme-challenge.${c.name}`;
      const zone = zoneOf(names, c.name);
      if (!zone) throw AppError.worded('conflict', msg('No DNS zone in Hostdeck holds {{name}}: DNS-01 needs its zone here (DNS zones), or choose HTTP-01.'), { name: c.name });
      return { zone, fqdn, value: c.value, record: { name: fqdn.slice(0, -zone.length - 1), type: 'TXT', ttl: TTL, value: c.value } };
    });
    if (nameservers.length === 0) throw new AppError('conflict', msg('No server has the ns role: DNS-01 needs the nameservers of the zone in the inventory.'));
    try {
      for (const p of placed) await this.dns.putRecord(p.zone, p.record);
      const touched = [...new Set(placed.map((p) => p.zone))];
      await this.dns.push(touched, touched);
      await Promise.all(nameservers.flatMap((ns) => placed.map((p) => waitForTxt(ns.queryAt, p.fqdn, p.value, `${ns.name} (${ns.queryAt})`))));
    } catch (error) {
      await this.remove(placed).catch(() => undefined);
      throw error;
    }
    return placed;
  }

  /** Takes the records out (those still there) and pushes their zones again. */
  async remove(placed: Placed[]): Promise<void> {
    const touched = new Set<string>();
    for (const p of placed) {
      try {
        await this.dns.deleteRecord(p.zone, p.record);
        touched.add(p.zone);
      } catch {
        /* already gone */
      }
    }
    if (touched.size > 0) await this.dns.push([...touched], [...touched]);
  }
}

/** Asks `hostPort` (host:port) for the TXT records of `fqdn` until one is `value`. */
async function waitForTxt(hostPort: string, fqdn: string, value: string, who: string): Promise<void> {
  const cut = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, cut);
  const port = Number(hostPort.slice(cut + 1));
  const until = Date.now() + ANSWER_DEADLINE_MS;
  let last = 'no answer';
  for (let asked = 1; ; asked++) {
    const answer = await queryTxt(host, port, fqdn);
    if (answer.values?.includes(value)) return;
    last = answer.detail;
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, Math.min(500, 20 * asked)));
  }
  throw AppError.worded('conflict', msg('{{who}} did not answer the TXT record {{fqdn}} within {{seconds}} s (last: {{last}}); is its queue stopped? The CA was not asked.'), { who, fqdn, seconds: ANSWER_DEADLINE_MS / 1000, last });
}

export async function queryTxt(host: string, port: number, fqdn: string, timeoutMs = 1000): Promise<{ values?: string[]; detail: string }> {
  const asked = await askDns(host, port, { type: 'TXT', name: fqdn }, timeoutMs);
  if ('unreachable' in asked) return { detail: asked.unreachable };
  const res = asked.response;
  if (res.rcode && res.rcode !== 'NOERROR') return { detail: res.rcode };
  const values = (res.answers ?? []).flatMap((a) => (a.type === 'TXT' && a.name.toLowerCase() === fqdn ? [(Array.isArray(a.data) ? a.data : [a.data]).map((d) => d.toString()).join('')] : []));
  return { values, detail: values.length ? `TXT ${values.join(', ')}` : 'no TXT record' };
}
