// Per-nameserver status of each zone: the serial it serves (asked over DNS), compared with the
// serial last pushed. Kept in memory; refreshed on demand and after each health check of a
// nameserver (the health tick), at most CONCURRENCY questions at once.
import pLimit from 'p-limit';
import type { NsStatus } from '../../../shared/api/dns';
import { querySoa, type SoaAnswer } from './query';

const CONCURRENCY = 32;

export type NsTarget = { serverId: string; name: string; host: string; port: number };

export class DnsStatus {
  private readonly answers = new Map<string, { answer: SoaAnswer; at: string }>();
  private readonly limit = pLimit(CONCURRENCY);

  async refresh(targets: NsTarget[], zones: string[]): Promise<void> {
    await Promise.all(
      targets.flatMap((t) =>
        zones.map((zone) =>
          this.limit(async () => {
            const answer = await querySoa(t.host, t.port, zone, 800);
            this.answers.set(`${t.serverId} ${zone}`, { answer, at: new Date().toISOString() });
          }),
        ),
      ),
    );
  }

  /** The serial a nameserver served at its last answer (null: none known). */
  served(serverId: string, zone: string): number | null {
    const a = this.answers.get(`${serverId} ${zone}`)?.answer;
    return a?.kind === 'serial' ? a.serial : null;
  }

  of(t: NsTarget, zone: string, expected: number | null): NsStatus {
    const seen = this.answers.get(`${t.serverId} ${zone}`);
    const base = { serverId: t.serverId, server: t.name, checkedAt: seen?.at ?? null };
    if (!seen) return { ...base, serial: null, state: 'unknown', detail: 'Not asked yet' };
    const a = seen.answer;
    if (a.kind === 'unreachable') return { ...base, serial: null, state: 'unreachable', detail: a.detail };
    if (a.kind === 'not-served') return { ...base, serial: null, state: 'missing', detail: `Does not serve the zone (${a.detail})` };
    if (expected !== null && a.serial === expected) return { ...base, serial: a.serial, state: 'in-sync', detail: `Serves serial ${a.serial}` };
    return { ...base, serial: a.serial, state: 'stale', detail: expected === null ? `Serves serial ${a.serial}; never pushed from Hostdeck` : `Serves serial ${a.serial}, last pushed ${expected}` };
  }
}
