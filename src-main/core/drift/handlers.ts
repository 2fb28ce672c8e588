// Drift's part of the contract: checks (one server, the fleet), the last reports, and the two
// answers to a difference (previewed first).
import type { driftApi } from '../../../shared/api/drift';
import type { HandlersFor } from '../dispatch';
import type { DriftService } from './service';

export function driftHandlers(drift: DriftService): HandlersFor<typeof driftApi> {
  return {
    'drift.check': async ({ serverId }) => drift.check(serverId),
    'drift.checkFleet': async () => ({ reports: await drift.checkFleet() }),
    'drift.reports': async () => ({ reports: drift.reports() }),
    'drift.preview': async ({ serverId, id, action }) => drift.preview(serverId, id, action),
    'drift.resolve': async ({ serverId, id, action, confirm }) => drift.resolve(serverId, id, action, confirm),
    'drift.settings': async () => drift.settings(),
    'drift.setSettings': async (settings) => drift.setSettings(settings),
  };
}
