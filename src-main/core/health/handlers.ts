// Health's part of the contract: the latest results with the change history, and "check now".
import type { healthApi } from '../../../shared/api/health';
import type { HandlersFor } from '../dispatch';
import type { HealthService } from './service';

export function healthHandlers(health: HealthService): HandlersFor<typeof healthApi> {
  return {
    'health.get': async () => health.get(),
    'health.checkNow': async ({ serverId }) => ({ servers: await health.checkNow(serverId) }),
  };
}
