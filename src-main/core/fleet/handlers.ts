// The fleet's part of the contract: the map's aggregated read, the health sample series and
// the per-role alert thresholds.
import type { fleetApi } from '../../../shared/api/fleet';
import type { HandlersFor } from '../dispatch';
import { fleetSeries, serverSeries } from '../health/samples-series';
import type { SampleRecorder } from '../health/samples-recorder';
import type { Inventory } from '../inventory/service';
import type { InventoryStore } from '../inventory/store';
import { fleetMap, type FleetSources } from './map';

const nowS = () => Math.floor(Date.now() / 1000);

export function fleetHandlers(sources: FleetSources, samples: SampleRecorder, inventory: Inventory, store: InventoryStore): HandlersFor<typeof fleetApi> {
  return {
    'fleet.map': () => fleetMap(sources),
    'health.serverSeries': async ({ serverId, range }) => {
      inventory.stored(serverId); // not-found for a removed server
      return serverSeries(samples.store, serverId, range, nowS());
    },
    'health.fleetSeries': async ({ range }) => fleetSeries(samples.store, store.servers().map((s) => s.id), range, nowS()),
    'health.thresholds': async () => samples.thresholds.get(),
    'health.setThresholds': async (thresholds) => samples.thresholds.set(thresholds),
  };
}
