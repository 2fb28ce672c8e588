// "Test connection": verify the host key, log in, show `uname -a` and uptime.
// An unknown key is remembered (in memory) so that the user can pin exactly the key
// whose fingerprint they were shown, and no other.
import path from 'node:path';
import type { ConnectionTestResult } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { Inventory } from '../inventory/service';
import type { InventoryStore } from '../inventory/store';
import { connect, exec, type Presented } from '../ssh/connect';
import { knownHostsName } from '../ssh/host-key';
import { readKnownHosts } from '../ssh/known-hosts';

export class ConnectionTester {
  /** The last key each server presented: what the user is shown and may pin. */
  private readonly lastUnknown = new Map<string, Presented>();

  constructor(
    private readonly inventory: Inventory,
    private readonly store: InventoryStore,
    private readonly home: string,
  ) {}

  async test(id: string): Promise<ConnectionTestResult> {
    const server = this.inventory.stored(id);
    const started = performance.now();
    const pinName = knownHostsName(server.host, server.port);
    const policy = { pin: this.store.pins()[pinName] ?? null, knownHosts: await readKnownHosts(path.join(this.home, '.ssh', 'known_hosts')) };
    let connected;
    try {
      connected = await connect({
        target: server,
        secret: await this.inventory.secret(id),
        keyPath: this.inventory.keyPath(server),
        policy,
        onHostKey: (key) => this.lastUnknown.set(id, key),
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'host-key-unknown') {
        const hostKey = error.data?.hostKey as { keyType: string; fingerprint: string };
        return { status: 'host-key-unknown', hostKey };
      }
      throw error;
    }
    this.lastUnknown.delete(id);
    try {
      const out = await exec(connected.client, 'uname -a; uptime');
      const [uname = '', uptime = ''] = out.stdout.trim().split('\n');
      return {
        status: 'connected',
        hostKey: { keyType: connected.hostKey.keyType, fingerprint: connected.hostKey.fingerprint },
        trustedBy: connected.trustedBy,
        uname: uname.trim(),
        uptime: uptime.trim(),
        elapsedMs: Math.round(performance.now() - started),
      };
    } finally {
      connected.client.end();
    }
  }

  trust(id: string, fingerprint: string): void {
    const server = this.inventory.stored(id);
    const seen = this.lastUnknown.get(id);
    if (!seen || seen.fingerprint !== fingerprint) {
      throw new AppError('conflict', 'That fingerprint is not the key this server presented; test the connection again.');
    }
    const pins = this.store.pins();
    pins[knownHostsName(server.host, server.port)] = { keyType: seen.keyType, key: seen.key, fingerprint: seen.fingerprint, pinnedAt: new Date().toISOString() };
    this.store.savePins(pins);
    this.lastUnknown.delete(id);
  }

  forget(id: string): void {
    const server = this.inventory.stored(id);
    const pins = this.store.pins();
    delete pins[knownHostsName(server.host, server.port)];
    this.store.savePins(pins);
  }
}
