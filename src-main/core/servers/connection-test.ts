// "Test connection": a fresh handshake (never a pooled connection, so a changed key shows at
// once), host-key verification, login, then `uname -a` and uptime. An unknown key is answered
// with its fingerprint; the user can pin exactly that key and no other.
import type { ConnectionTestResult } from '../../../shared/api';
import { AppError, msg } from '../../../shared/errors';
import type { Inventory } from '../inventory/service';
import type { InventoryStore } from '../inventory/store';
import { exec } from '../ssh/connect';
import type { ConnectionManager } from '../ssh/connections';
import { knownHostsName } from '../ssh/host-key';

export class ConnectionTester {
  constructor(
    private readonly inventory: Inventory,
    private readonly store: InventoryStore,
    private readonly connections: ConnectionManager,
  ) {}

  async test(id: string): Promise<ConnectionTestResult> {
    const started = performance.now();
    let connected;
    try {
      connected = await this.connections.connectFresh(id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'host-key-unknown') {
        const hostKey = error.data?.hostKey as { keyType: string; fingerprint: string };
        return { status: 'host-key-unknown', hostKey };
      }
      throw error;
    }
    try {
      const out = await exec(connected.client, 'uname -a; uptime');
      const [uname = '', uptime = ''] = out.stdout.trim().split('\n');
      return {
        status: 'connected',
        hostKey: { keyType: connected.hostKey.keyType, fingerprint: connected.hostKey.fingerprint },
        trustedBy: connected.trustedBy,
        via: connected.via,
        uname: uname.trim(),
        uptime: uptime.trim(),
        elapsedMs: Math.round(performance.now() - started),
      };
    } finally {
      connected.close();
    }
  }

  async trust(id: string, fingerprint: string): Promise<void> {
    const server = this.inventory.stored(id);
    const seen = this.connections.lastPresented(id);
    if (!seen || seen.fingerprint !== fingerprint) {
      throw new AppError('conflict', msg('That fingerprint is not the key this server presented; test the connection again.'));
    }
    const pins = this.store.pins();
    pins[knownHostsName(server.host, server.port)] = { keyType: seen.keyType, key: seen.key, fingerprint: seen.fingerprint, pinnedAt: new Date().toISOString() };
    await this.store.savePins(pins);
  }

  async forget(id: string): Promise<void> {
    const server = this.inventory.stored(id);
    const pins = this.store.pins();
    delete pins[knownHostsName(server.host, server.port)];
    await this.store.savePins(pins);
  }
}
