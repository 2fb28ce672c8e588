// After each health tick: one sample per measured server into the sample store, and the
// thresholds' alerts from each server's latest sample (read by the next check's verdict).
import type { BackupState } from '../../../shared/api/backups';
import type { ServerHealth } from '../../../shared/api/health';
import type { InventoryStore } from '../inventory/store';
import type { SampleStore } from './samples';
import { sampleOf, type SampleExtras } from './samples-series';
import { breaches, type ThresholdStore } from './samples-thresholds';

export class SampleRecorder {
  constructor(
    readonly store: SampleStore,
    readonly thresholds: ThresholdStore,
    private readonly inventory: InventoryStore,
    private readonly extras: (serverId: string) => SampleExtras,
  ) {}

  tick(results: readonly ServerHealth[], now = new Date()): void {
    const nowS = Math.floor(now.getTime() / 1000);
    const samples = new Map<string, ReturnType<typeof sampleOf> & object>();
    for (const health of results) {
      const sample = sampleOf(health, this.extras(health.serverId), nowS);
      if (sample) samples.set(health.serverId, sample);
    }
    this.store.record(samples, new Set(this.inventory.servers().map((s) => s.id)));
  }

  /** The limits the server's latest sample breaks (red in its next verdict). */
  alerts(serverId: string): string[] {
    const server = this.inventory.servers().find((s) => s.id === serverId);
    return server ? breaches(this.thresholds.get(), server.roles, this.store.last(serverId)) : [];
  }
}

/** Days to the nearest certificate expiry (from TLS's last read) and hours since the oldest of the sites' last good backups. */
export function sampleExtras(tls: { certificates(serverId: string): { notAfter: string }[] }, backups: { state(serverId: string): BackupState }): (serverId: string) => SampleExtras {
  return (serverId) => {
    const now = Date.now();
    const certs = tls.certificates(serverId).map((c) => (Date.parse(c.notAfter) - now) / 86_400_000).filter(Number.isFinite);
    let backupAgeH: number | null = null;
    try {
      const state = backups.state(serverId);
      const done = Object.values(state.last).flatMap((l) => (l.okAt ? [Date.parse(l.okAt)] : []));
      if (state.hasPassword && done.length) backupAgeH = (now - Math.min(...done)) / 3_600_000;
    } catch {
      /* removed meanwhile */
    }
    return { certDays: certs.length ? Math.min(...certs) : null, backupAgeH };
  };
}
