// The inventory: add / edit / remove / list servers. Every change is validated in full
// (contract schema, unique name, readable key, passphrase that unlocks it) before anything is
// written; the secret goes to the keychain and is rolled back if the store write fails.
import { randomUUID } from 'node:crypto';
import { AppError, msg } from '../../../shared/errors';
import type { Server, ServerInput } from '../../../shared/domain';
import type { EventHub } from '../events';
import type { Keychain } from '../secrets/keychain';
import { expandHome } from '../paths';
import { readKeyFile, readPrivateKey } from '../ssh/keys';
import type { InventoryStore, StoredServer } from './store';

const secretAccount = (id: string) => `server:${id}`;
const needsSecret = (s: Pick<ServerInput, 'auth'>) => s.auth.method === 'password' || s.auth.method === 'key-passphrase';

export class Inventory {
  /** id -> server for each version of the store's (cached) list: lookups are per check and per call. */
  private readonly byId = new WeakMap<readonly StoredServer[], Map<string, StoredServer>>();

  constructor(
    private readonly store: InventoryStore,
    private readonly keychain: Keychain,
    private readonly events: EventHub,
    private readonly home: string,
  ) {}

  async list(): Promise<Server[]> {
    return Promise.all(this.store.servers().map((s) => this.withSecretFlag(s)));
  }

  stored(id: string): StoredServer {
    const all = this.store.servers();
    let index = this.byId.get(all);
    if (!index) this.byId.set(all, (index = new Map(all.map((s) => [s.id, s]))));
    const server = index.get(id);
    if (!server) throw new AppError('not-found', msg('This server is no longer in the inventory.'));
    return server;
  }

  async get(id: string): Promise<Server> {
    return this.withSecretFlag(this.stored(id));
  }

  secret(id: string): Promise<string | null> {
    return this.keychain.get(secretAccount(id));
  }

  /** A second-factor password the user chose to remember (servers requiring key AND password). */
  secondSecret(id: string): Promise<string | null> {
    return this.keychain.get(`${secretAccount(id)}:password`);
  }

  /** Keeps an answer given at a login prompt, when the user ticked "remember". */
  async rememberSecret(account: string, value: string): Promise<void> {
    await this.keychain.set(account, value);
    this.events.emit('inventory.changed', { ids: [] });
  }

  keyPath(server: StoredServer): string | null {
    return 'keyPath' in server.auth ? expandHome(server.auth.keyPath, this.home) : null;
  }

  async add(input: ServerInput): Promise<Server> {
    const id = randomUUID();
    await this.check(input, null);
    const { secret, ...fields } = input;
    const stored: StoredServer = { id, ...fields };
    await this.commit(stored, secret ?? null, [...this.store.servers(), stored]);
    return this.get(id);
  }

  /** baseVersion (team mode): the version the edit was based on; a change since is a conflict. */
  async update(id: string, input: ServerInput, clearSecret = false, baseVersion?: number): Promise<Server> {
    const existing = this.stored(id);
    await this.check(input, id);
    const { secret, ...fields } = input;
    const stored: StoredServer = { id, ...fields };
    const next = this.store.servers().map((s) => (s.id === id ? stored : s));
    const newSecret = secret ?? (clearSecret || !needsSecret(input) ? '' : null);
    await this.commit(stored, newSecret, next, existing, baseVersion === undefined ? undefined : { [id]: baseVersion });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    this.stored(id);
    await this.store.saveServers(this.store.servers().filter((s) => s.id !== id));
    await this.keychain.delete(secretAccount(id));
    await this.keychain.delete(`${secretAccount(id)}:password`);
    this.events.emit('inventory.changed', { ids: [id] });
  }

  /** secret: string = store it, '' = delete it, null = leave it. */
  private async commit(stored: StoredServer, secret: string | null, next: StoredServer[], previous?: StoredServer, expect?: Record<string, number>): Promise<void> {
    const account = secretAccount(stored.id);
    const before = previous ? await this.keychain.get(account) : null;
    if (secret) await this.keychain.set(account, secret);
    else if (secret === '') await this.keychain.delete(account);
    try {
      await this.store.saveServers(next, expect);
    } catch (error) {
      if (before) await this.keychain.set(account, before);
      else await this.keychain.delete(account);
      throw error;
    }
    this.events.emit('inventory.changed', { ids: [stored.id] });
  }

  private async check(input: ServerInput, id: string | null): Promise<void> {
    const fields: Record<string, string> = {};
    const clash = this.store.servers().find((s) => s.id !== id && s.name.toLowerCase() === input.name.toLowerCase());
    if (clash) fields.name = 'Another server already has this name';
    if ('keyPath' in input.auth && !fields['auth.keyPath']) {
      const file = expandHome(input.auth.keyPath, this.home);
      try {
        const passphrase = input.auth.method === 'key-passphrase' ? input.secret ?? (id ? await this.secret(id) : null) : null;
        if (input.auth.method === 'key' || passphrase) await readPrivateKey(file, passphrase);
        else await readKeyFile(file);
      } catch (error) {
        if (error instanceof AppError && error.fields) Object.assign(fields, error.fields);
        else fields['auth.keyPath'] = 'This file cannot be read';
      }
    }
    if (Object.keys(fields).length > 0) {
      throw new AppError('invalid-input', msg('Some fields need attention; nothing was saved.'), { fields });
    }
  }

  private async withSecretFlag(s: StoredServer): Promise<Server> {
    const hasSecret = needsSecret(s) ? (await this.keychain.get(secretAccount(s.id))) !== null : false;
    const version = this.store.versionOf?.(s.id) ?? null;
    return { ...s, hasSecret, ...(version ? { version } : {}) };
  }
}
