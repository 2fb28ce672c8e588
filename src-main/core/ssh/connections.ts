// One SSH connection per server, shared by everything that needs the server (terminals, tunnels,
// database pools, health checks, tasks) as channels over it. Users hold a lease; the last one
// to leave lets the connection close after an idle timeout. A connection that drops while in
// use comes back by itself with backoff 1, 2, 4, 8 … s (capped), and every state change is an
// event the UI shows. Jump hosts are other inventory servers, reached through their own
// (shared) connection.
import path from 'node:path';
import type { Client } from 'ssh2';
import type { ConnectionState } from '../../../shared/domain';
import { AppError, msg } from '../../../shared/errors';
import type { EventHub } from '../events';
import type { Inventory } from '../inventory/service';
import type { InventoryStore, StoredServer } from '../inventory/store';
import { authFor, keyOnlyAuth, type AuthAttempt } from './auth';
import { connect, forwardOut, type Connected, type Presented } from './connect';
import { knownHostsName } from './host-key';
import { readKnownHosts } from './known-hosts';
import type { PromptBroker } from './prompts';

/** A user's hold on a server's connection. */
export interface Lease {
  readonly serverId: string;
  /** The live client; throws while the connection is down. */
  client(): Client;
  /** The live client, waiting through a reconnect if one is under way. */
  ready(): Promise<Client>;
  /** Called with the new client after each automatic reconnect. */
  onReconnect(listener: (client: Client) => void): () => void;
  /** Called when the connection drops (before any reconnect) and when it fails for good. */
  onDown(listener: (error: AppError) => void): () => void;
  release(): void;
}

export type AcquireOptions = {
  /**
   * false: a login that needs the user (password, code, passphrase not stored) fails with an
   * error for which needsLogin() is true instead of asking: background work (health checks)
   * must never pop up a prompt. A caller joining a connect already under way gets that
   * connect's outcome, whichever mode started it.
   */
  interactive?: boolean;
};

/** The failure of a non-interactive acquire whose login would have needed the user. */
export function needsLogin(error: unknown): boolean {
  return error instanceof AppError && error.data?.needsLogin === true;
}

const NO_PROMPTS: Pick<PromptBroker, 'ask'> = {
  ask: () => Promise.reject(new AppError('auth-failed', msg('This server needs an interactive login (a password, passphrase or code typed in).'), { data: { needsLogin: true } })),
};

const BACKOFF_CAP_MS = 30_000;
/** Failures that waiting will not fix: tell the user instead of retrying. */
const FINAL = new Set(['host-key-unknown', 'host-key-changed', 'host-key-revoked', 'auth-failed', 'key-file', 'passphrase', 'invalid-input', 'not-found']);

type Entry = {
  serverId: string;
  users: number;
  connected: Connected | null;
  connecting: Promise<Client> | null;
  state: ConnectionState;
  attempt: number;
  idleTimer: NodeJS.Timeout | null;
  retryTimer: NodeJS.Timeout | null;
  jump: Lease | null;
  reconnectListeners: Set<(client: Client) => void>;
  downListeners: Set<(error: AppError) => void>;
  waiters: { resolve: (c: Client) => void; reject: (e: AppError) => void }[];
};

export class ConnectionManager {
  private readonly entries = new Map<string, Entry>();
  private readonly presented = new Map<string, Presented>();

  constructor(
    private readonly inventory: Inventory,
    private readonly store: InventoryStore,
    private readonly home: string,
    private readonly events: EventHub,
    private readonly prompts: PromptBroker,
  ) {}

  states(): Record<string, ConnectionState> {
    return Object.fromEntries([...this.entries.values()].map((e) => [e.serverId, e.state]));
  }

  /** The host key a server presented last (what the user is shown, and may pin). */
  lastPresented(serverId: string): Presented | undefined {
    return this.presented.get(serverId);
  }

  async acquire(serverId: string, options: AcquireOptions = {}, chain: string[] = []): Promise<Lease> {
    const entry = this.entry(serverId);
    entry.users++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    try {
      if (!entry.connected) await this.ensureConnected(entry, chain, options.interactive ?? true);
    } catch (error) {
      this.release(entry);
      throw error;
    }
    return this.lease(entry);
  }

  /** A separate, unshared connection with a fresh handshake (the "Test connection" button). */
  async connectFresh(serverId: string): Promise<Connected & { via: string[]; close(): void }> {
    const server = this.serverOf(serverId);
    const { connected, jump, via } = await this.open(server, []);
    return {
      ...connected,
      via,
      close: () => {
        connected.client.end();
        jump?.release();
      },
    };
  }

  /**
   * A separate connection to a server as another Linux user with a key held in memory (a site's
   * file manager logs in as the site), host key and jump hosts checked as for the server's own.
   */
  async connectAs(serverId: string, user: string, key: Buffer): Promise<Connected & { close(): void }> {
    const server = { ...this.serverOf(serverId), user };
    const { connected, jump } = await this.open(server, [], null, false, keyOnlyAuth(user, key));
    return {
      ...connected,
      close: () => {
        connected.client.end();
        jump?.release();
      },
    };
  }

  disconnect(serverId: string): void {
    const entry = this.entries.get(serverId);
    if (!entry) return;
    this.teardown(entry, new AppError('ssh', msg('Disconnected by the user.')));
  }

  closeAll(): void {
    for (const entry of this.entries.values()) this.teardown(entry, new AppError('ssh', msg('Hostdeck is closing.')));
  }

  private entry(serverId: string): Entry {
    let entry = this.entries.get(serverId);
    if (!entry) {
      entry = {
        serverId,
        users: 0,
        connected: null,
        connecting: null,
        state: { state: 'idle' },
        attempt: 0,
        idleTimer: null,
        retryTimer: null,
        jump: null,
        reconnectListeners: new Set(),
        downListeners: new Set(),
        waiters: [],
      };
      this.entries.set(serverId, entry);
    }
    return entry;
  }

  private lease(entry: Entry): Lease {
    let released = false;
    const mine = { reconnect: new Set<(c: Client) => void>(), down: new Set<(e: AppError) => void>() };
    return {
      serverId: entry.serverId,
      client: () => {
        if (!entry.connected) throw new AppError('ssh', msg('The connection is down; Hostdeck is reconnecting.'));
        return entry.connected.client;
      },
      ready: () =>
        entry.connected
          ? Promise.resolve(entry.connected.client)
          : entry.state.state === 'failed'
            ? Promise.reject(new AppError('ssh', entry.state.reason))
            : new Promise((resolve, reject) => entry.waiters.push({ resolve, reject })),
      onReconnect: (listener) => {
        entry.reconnectListeners.add(listener);
        mine.reconnect.add(listener);
        return () => entry.reconnectListeners.delete(listener);
      },
      onDown: (listener) => {
        entry.downListeners.add(listener);
        mine.down.add(listener);
        return () => entry.downListeners.delete(listener);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const l of mine.reconnect) entry.reconnectListeners.delete(l);
        for (const l of mine.down) entry.downListeners.delete(l);
        this.release(entry);
      },
    };
  }

  private release(entry: Entry): void {
    entry.users = Math.max(0, entry.users - 1);
    if (entry.users > 0) return;
    const idleMs = this.store.settings().idleCloseS * 1000;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      if (entry.users === 0) this.teardown(entry, null);
    }, idleMs);
    entry.idleTimer.unref();
  }

  private setState(entry: Entry, state: ConnectionState): void {
    entry.state = state;
    this.events.emit('ssh.state', { serverId: entry.serverId, state });
  }

  private serverOf(serverId: string): StoredServer {
    return this.inventory.stored(serverId);
  }

  private ensureConnected(entry: Entry, chain: string[], interactive = true): Promise<Client> {
    if (entry.connected) return Promise.resolve(entry.connected.client);
    if (entry.connecting) return entry.connecting;
    this.setState(entry, { state: 'connecting', attempt: entry.attempt + 1 });
    entry.connecting = (async () => {
      const server = this.serverOf(entry.serverId);
      const { connected, jump, via } = await this.open(server, chain, entry.jump, interactive);
      entry.jump = jump;
      entry.connected = connected;
      entry.attempt = 0;
      connected.client.once('close', () => this.dropped(entry, connected));
      this.setState(entry, { state: 'connected', since: new Date().toISOString(), via });
      for (const w of entry.waiters.splice(0)) w.resolve(connected.client);
      return connected.client;
    })();
    entry.connecting.then(
      () => (entry.connecting = null),
      (error: unknown) => {
        entry.connecting = null;
        const appError = error instanceof AppError ? error : new AppError('ssh', msg('The connection failed.'));
        this.setState(entry, { state: 'failed', code: appError.code, reason: appError.message });
      },
    );
    return entry.connecting;
  }

  /** Opens a verified, authenticated connection, through the jump host chain if any. */
  private async open(server: StoredServer, chain: string[], existingJump: Lease | null = null, interactive = true, authOverride?: AuthAttempt): Promise<{ connected: Connected; jump: Lease | null; via: string[] }> {
    if (chain.includes(server.id)) throw new AppError('invalid-input', msg('The jump hosts form a loop; check the servers\' "Jump host" settings.'));
    let jump = existingJump;
    let via: string[] = [];
    let sock;
    if (server.jumpHostId) {
      jump ??= await this.acquire(server.jumpHostId, { interactive }, [...chain, server.id]);
      const jumpState = this.entries.get(server.jumpHostId)?.state;
      via = jumpState?.state === 'connected' ? [...jumpState.via, this.serverOf(server.jumpHostId).name] : [this.serverOf(server.jumpHostId).name];
      try {
        sock = await forwardOut(await jump.ready(), server.host, server.port);
      } catch (error) {
        if (!existingJump) jump.release();
        throw error;
      }
    }
    const settings = this.store.settings();
    const pin = this.store.pins()[knownHostsName(server.host, server.port)] ?? null;
    const knownHosts = await readKnownHosts(path.join(this.home, '.ssh', 'known_hosts'));
    const accounts = `server:${server.id}`;
    const auth = authOverride ?? authFor({ ...server, displayName: server.name }, this.inventory.keyPath(server), {
      primary: () => this.inventory.secret(server.id),
      secondPassword: () => this.inventory.secondSecret(server.id),
      rememberPrimary: (value) => this.inventory.rememberSecret(accounts, value),
      rememberSecondPassword: (value) => this.inventory.rememberSecret(`${accounts}:password`, value),
    }, interactive ? this.prompts : NO_PROMPTS);
    try {
      const connected = await connect({
        target: server,
        auth,
        policy: { pin, knownHosts },
        sock,
        keepalive: { intervalMs: settings.keepaliveIntervalS * 1000, countMax: settings.keepaliveCountMax },
        onHostKey: (key) => this.presented.set(server.id, key),
      });
      return { connected, jump, via };
    } catch (error) {
      if (jump && !existingJump) jump.release();
      throw error;
    }
  }

  private dropped(entry: Entry, was: Connected): void {
    if (entry.connected !== was) return;
    entry.connected = null;
    const error = new AppError('ssh', msg('The connection dropped.'));
    for (const l of entry.downListeners) l(error);
    if (entry.users === 0) return this.teardown(entry, null);
    this.scheduleRetry(entry, error.message);
  }

  private scheduleRetry(entry: Entry, reason: string): void {
    entry.attempt++;
    const retryInMs = Math.min(BACKOFF_CAP_MS, 1000 * 2 ** (entry.attempt - 1));
    this.setState(entry, { state: 'reconnecting', attempt: entry.attempt, retryInMs, reason });
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = null;
      if (entry.users === 0) return this.teardown(entry, null);
      this.ensureConnected(entry, []).then(
        (client) => {
          for (const l of entry.reconnectListeners) l(client);
        },
        (error: unknown) => {
          const appError = error instanceof AppError ? error : new AppError('ssh', msg('The connection failed.'));
          if (FINAL.has(appError.code)) {
            this.setState(entry, { state: 'failed', code: appError.code, reason: appError.message });
            for (const w of entry.waiters.splice(0)) w.reject(appError);
            for (const l of entry.downListeners) l(appError);
          } else this.scheduleRetry(entry, appError.message);
        },
      );
    }, retryInMs);
  }

  private teardown(entry: Entry, error: AppError | null): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    entry.idleTimer = entry.retryTimer = null;
    const connected = entry.connected;
    entry.connected = null;
    connected?.client.end();
    entry.jump?.release();
    entry.jump = null;
    entry.attempt = 0;
    if (error) {
      for (const w of entry.waiters.splice(0)) w.reject(error);
      for (const l of entry.downListeners) l(error);
    }
    this.setState(entry, { state: 'idle' });
  }
}
