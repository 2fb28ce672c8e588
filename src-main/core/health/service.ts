// The health tick: every healthIntervalS each server of the
// inventory is checked, at most healthConcurrency at once (p-limit, shared by the timer and
// "check now"), and a tick still running when the next one is due makes that one skip.
// Servers that did not answer their last check (no connection, or a timeout) wait in a lane of
// their own with the same limit: they cost their timeout side by side, once a tick, and never
// hold up the servers that answer.
//
// A check holds a lease on the server's shared connection between ticks, so a tick costs no
// handshake; the price is that monitored servers never reach the idle close (as the seed's
// coordinator keeps its links). The lease is let go when the connection drops (then nothing
// reconnects on health's behalf: the next tick connects afresh), when its host key is no longer
// trusted, when the server leaves the inventory, and on stop.
//
// On that connection a probe shell stays open (a worker shell without the task lock, one of
// sshd's MaxSessions): each tick writes the check to it, so the server starts no session, no
// login shell and no sh for it, and the check itself (check.ts) reads /proc with shell builtins,
// looking first at the daemon pids the last check saw. A probe shell that closed (killed on the
// server, or its channel failed) is opened again by the next check; where the server will not
// keep one (sessions refused, a forced command, a login shell that exits) the check goes over an
// exec channel of its own, as before, until the connection is let go.
//
// Health never asks the user anything: a server whose key is not confirmed yet is not even
// contacted, and a login that would need a prompt is not attempted again until the user
// changes something.
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { HEALTH_HISTORY_SHOWN, type HealthChange, type HealthStatus, type ServerHealth } from '../../../shared/api/health';
import type { Settings } from '../../../shared/domain';
import { AppError, msg } from '../../../shared/errors';
import type { EventHub } from '../events';
import type { Inventory } from '../inventory/service';
import type { HostKeyPin, InventoryStore, StoredServer } from '../inventory/store';
import { openWorkerShell, type WorkerShell } from '../queue/worker-shell';
import { exec } from '../ssh/connect';
import { needsLogin, type ConnectionManager, type Lease } from '../ssh/connections';
import { knownHostsName } from '../ssh/host-key';
import { lookup, readKnownHosts, type KnownHostsEntry } from '../ssh/known-hosts';
import { readCached } from '../read-cache';
import { checkCommand, checkScript, judge, knownPids, parseCheckOutput, type KnownPids } from './check';
import type { HealthHistory } from './history';

/** A connect may wait for a prompt someone else is answering: bound it. */
const CONNECT_TIMEOUT_MS = 20_000;
const EXEC_TIMEOUT_MS = 15_000;

const REASONS = {
  unchecked: 'Not checked yet.',
  hostKey: 'Host key not yet confirmed; test the connection to confirm it.',
  login: 'Needs an interactive login (a password or code typed in); health is checked while you are logged in, e.g. in a terminal.',
} as const;

type Trust = { pins: Record<string, HostKeyPin>; knownHosts: KnownHostsEntry[] };

export class HealthService {
  private readonly results = new Map<string, ServerHealth>();
  /** Each server's status at its last check: a different one next time is a change. */
  private readonly previous: Map<string, HealthStatus>;
  private readonly leases = new Map<string, Lease>();
  /** Each leased server's probe shell, or 'exec' where the server would not keep one open. */
  private readonly probes = new Map<string, WorkerShell | 'exec'>();
  /** The daemon pids each server's last check saw (looked at first by the next). */
  private readonly known = new Map<string, KnownPids>();
  private readonly inflight = new Map<string, Promise<ServerHealth>>();
  /** Servers whose login needed a prompt: not tried again until the inventory changes. */
  private readonly loginNeeded = new Set<string>();
  private readonly limit: LimitFunction;
  /** The lane of servers whose last check got no answer. */
  private readonly unansweredLimit: LimitFunction;
  private readonly unanswered = new Set<string>();
  /** known_hosts, read again only when it changes (every check asks it). */
  private readonly knownHosts: () => Promise<KnownHostsEntry[]>;
  private timer: NodeJS.Timeout | null = null;
  private intervalS = 0;
  private ticking = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  /** Warnings other parts know without asking the server (certificates near expiry, from their last read). */
  private warningSource: (serverId: string) => string[] = () => [];
  /** Alerts other parts know without asking the server (backups older than their policy allows): red. */
  private alertSource: (serverId: string) => string[] = () => [];
  /** Told each timer tick's results (the health samples are recorded from them). */
  afterTick: (results: ServerHealth[]) => void = () => undefined;

  constructor(
    private readonly inventory: Inventory,
    private readonly store: InventoryStore,
    private readonly connections: ConnectionManager,
    private readonly events: EventHub,
    private readonly history: HealthHistory,
    home: string,
  ) {
    this.previous = history.lastStatuses();
    this.limit = pLimit(store.settings().healthConcurrency);
    this.unansweredLimit = pLimit(store.settings().healthConcurrency);
    const knownHostsFile = path.join(home, '.ssh', 'known_hosts');
    this.knownHosts = readCached(knownHostsFile, () => readKnownHosts(knownHostsFile));
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event === 'settings.changed') this.applySettings(this.store.settings());
      if (event === 'inventory.changed') this.inventoryChanged((payload as { ids: string[] }).ids);
    });
  }

  setWarningSource(source: (serverId: string) => string[]): void {
    this.warningSource = source;
  }

  setAlertSource(source: (serverId: string) => string[]): void {
    this.alertSource = source;
  }

  /** Checks at once (the lights should not stay grey for a whole interval), then on the timer. */
  start(): void {
    this.applySettings(this.store.settings());
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const id of [...this.leases.keys()]) this.dropLease(id);
  }

  get(): { servers: ServerHealth[]; history: HealthChange[] } {
    return {
      servers: this.store.servers().map((s) => this.results.get(s.id) ?? unchecked(s.id)),
      history: this.history.recent(HEALTH_HISTORY_SHOWN),
    };
  }

  /** A fresh check (after any one in flight) of one server or all. */
  async checkNow(serverId?: string): Promise<ServerHealth[]> {
    if (serverId) this.inventory.stored(serverId); // not-found for a removed server
    const ids = serverId ? [serverId] : this.store.servers().map((s) => s.id);
    return Promise.all(ids.map((id) => this.check(id, true)));
  }

  private applySettings(settings: Settings): void {
    if (this.stopped) return;
    this.limit.concurrency = settings.healthConcurrency;
    this.unansweredLimit.concurrency = settings.healthConcurrency;
    if (this.timer && settings.healthIntervalS === this.intervalS) return;
    if (this.timer) clearInterval(this.timer);
    this.intervalS = settings.healthIntervalS;
    this.timer = setInterval(() => void this.tick(), this.intervalS * 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      this.afterTick(await Promise.all(this.store.servers().map((s) => this.check(s.id, false))));
    } finally {
      this.ticking = false;
    }
  }

  /** fresh: run a new check even if one is in flight (after it); else join the one in flight. */
  private check(serverId: string, fresh: boolean): Promise<ServerHealth> {
    const running = this.inflight.get(serverId);
    if (running && !fresh) return running;
    const next = (running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => (this.unanswered.has(serverId) ? this.unansweredLimit : this.limit)(() => this.run(serverId)));
    this.inflight.set(serverId, next);
    void next.finally(() => {
      if (this.inflight.get(serverId) === next) this.inflight.delete(serverId);
    });
    return next;
  }

  private async run(serverId: string): Promise<ServerHealth> {
    const started = performance.now();
    const done = (fields: Pick<ServerHealth, 'status' | 'reason'> & Partial<ServerHealth>): ServerHealth =>
      this.record({ ...unchecked(serverId), ...fields, checkedAt: new Date().toISOString(), ms: Math.round(performance.now() - started) });
    if (this.stopped) return unchecked(serverId);
    let server: StoredServer;
    try {
      server = this.inventory.stored(serverId);
    } catch {
      return unchecked(serverId); // removed while queued
    }
    try {
      if (!this.trusted(server, await this.trust())) {
        this.dropLease(serverId);
        return done({ status: 'unknown', reason: REASONS.hostKey });
      }
      const lease = this.leases.get(serverId) ?? (await this.newLease(server));
      if (!lease) return done({ status: 'unknown', reason: REASONS.login });
      let stdout;
      try {
        stdout = await this.probe(serverId, lease);
      } catch (error) {
        // Whatever broke, the next check starts from a fresh lease.
        this.dropLease(serverId);
        throw error;
      }
      this.unanswered.delete(serverId);
      const facts = parseCheckOutput(stdout);
      this.known.set(serverId, knownPids(facts));
      const verdict = judge(facts, server.roles, this.warningSource(serverId), this.alertSource(serverId));
      return done({ ...verdict, cpus: facts.cpus, load: facts.load, memory: facts.memory, disks: facts.disks });
    } catch (error) {
      if (needsLogin(error)) {
        this.loginNeeded.add(serverId);
        return done({ status: 'unknown', reason: REASONS.login });
      }
      this.unanswered.add(serverId);
      return done({ status: 'down', reason: error instanceof AppError ? error.message : 'The check failed unexpectedly.' });
    }
  }

  /** The check's output, from the server's probe shell (opened when there is none). */
  private async probe(serverId: string, lease: Lease): Promise<string> {
    const known = this.known.get(serverId) ?? {};
    const kept = this.probes.get(serverId);
    const shell = kept ?? (await this.openProbe(serverId, lease));
    if (shell === 'exec') return (await exec(lease.client(), checkCommand(known), EXEC_TIMEOUT_MS)).stdout;
    try {
      return (await shell.run(checkScript(known), { timeoutMs: EXEC_TIMEOUT_MS })).stdout;
    } catch (error) {
      if (error instanceof AppError && error.code === 'timeout') throw AppError.worded('timeout', msg('The command did not finish within {{seconds}} s.'), { seconds: EXEC_TIMEOUT_MS / 1000 });
      // A kept shell that died before this run could tell (its exit not seen yet): once more on a
      // fresh one. A connection that is gone fails that too.
      if (!kept) throw error;
      this.closeProbe(serverId);
      return this.probe(serverId, lease);
    }
  }

  private async openProbe(serverId: string, lease: Lease): Promise<WorkerShell | 'exec'> {
    let probe: WorkerShell | 'exec';
    try {
      probe = await openWorkerShell(lease.client(), { taskLock: false });
    } catch (error) {
      if (error instanceof AppError && error.code === 'timeout') throw error;
      // Refused, or the shell exited unasked (a forced command): a plain exec meets the same, and
      // says it as before.
      probe = 'exec';
    }
    if (this.leases.get(serverId) !== lease) {
      // The lease was let go while the shell opened.
      if (probe !== 'exec') probe.close();
      throw new AppError('ssh', msg('The connection was let go during the check.'));
    }
    this.probes.set(serverId, probe);
    if (probe !== 'exec') {
      probe.onClose(() => {
        if (this.probes.get(serverId) === probe) this.probes.delete(serverId);
      });
    }
    return probe;
  }

  private closeProbe(serverId: string): void {
    const probe = this.probes.get(serverId);
    this.probes.delete(serverId);
    if (probe && probe !== 'exec') probe.close();
  }

  /** A lease without ever prompting; null when the login would need the user. */
  private async newLease(server: StoredServer): Promise<Lease | null> {
    const state = this.connections.states()[server.id];
    if (state?.state !== 'connected') {
      // Someone else's connection is waiting to come back: let its backoff run (connecting
      // now, without prompts, could fail it for the user who is waiting).
      if (state?.state === 'reconnecting') throw AppError.worded('ssh', msg('{{reason}} Reconnecting (attempt {{attempt}}).'), { reason: state.reason, attempt: state.attempt });
      if (this.loginNeeded.has(server.id) || (await this.promptsFor(server))) return null;
    }
    const pending = this.connections.acquire(server.id, { interactive: false });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(AppError.worded('timeout', msg('No connection within {{seconds}} s.'), { seconds: CONNECT_TIMEOUT_MS / 1000 })), CONNECT_TIMEOUT_MS);
    });
    let lease: Lease;
    try {
      lease = await Promise.race([pending, timeout]);
    } catch (error) {
      // A connect that finishes after the timeout must not leave a lease nobody holds.
      pending.then((late) => late.release(), () => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped) {
      lease.release();
      throw new AppError('ssh', msg('Hostdeck is closing.'));
    }
    this.leases.set(server.id, lease);
    lease.onDown(() => this.dropLease(server.id));
    return lease;
  }

  /** Whether logging in is sure to need the user (so it is not even tried). */
  private async promptsFor(server: StoredServer): Promise<boolean> {
    switch (server.auth.method) {
      case 'keyboard-interactive':
        return true;
      case 'password':
      case 'key-passphrase':
        return (await this.inventory.secret(server.id)) === null;
      default:
        return false;
    }
  }

  private dropLease(serverId: string): void {
    this.closeProbe(serverId);
    const lease = this.leases.get(serverId);
    this.leases.delete(serverId);
    lease?.release();
  }

  private async trust(): Promise<Trust> {
    return { pins: this.store.pins(), knownHosts: await this.knownHosts() };
  }

  /** The server's key and every jump host's are pinned or in known_hosts (changed keys are caught by the connect). */
  private trusted(server: StoredServer, trust: Trust): boolean {
    const seen = new Set<string>();
    for (let s: StoredServer | undefined = server; s && !seen.has(s.id); s = s.jumpHostId ? this.present(s.jumpHostId) : undefined) {
      seen.add(s.id);
      if (!trust.pins[knownHostsName(s.host, s.port)] && lookup(trust.knownHosts, s.host, s.port).keys.length === 0) return false;
    }
    return true;
  }

  private record(health: ServerHealth): ServerHealth {
    const server = this.present(health.serverId);
    if (this.stopped || !server) return health;
    const from = this.previous.get(health.serverId);
    this.previous.set(health.serverId, health.status);
    this.results.set(health.serverId, health);
    let change: HealthChange | undefined;
    // The first check of a server sets where it stands; only later differences are changes.
    if (from !== undefined && from !== health.status) {
      change = { serverId: health.serverId, serverName: server.name, at: health.checkedAt!, from, to: health.status, reason: health.reason };
      this.history.add(change);
    }
    this.events.emit('health.changed', change ? { health, change } : { health });
    return health;
  }

  private inventoryChanged(ids: string[]): void {
    // ids is empty when a login answer was remembered: any server may log in by itself now.
    if (ids.length === 0) this.loginNeeded.clear();
    const present = new Set(this.store.servers().map((s) => s.id));
    for (const id of ids) {
      this.loginNeeded.delete(id);
      if (present.has(id)) continue;
      this.dropLease(id);
      this.results.delete(id);
      this.previous.delete(id);
      this.unanswered.delete(id);
      this.known.delete(id);
    }
  }

  private present(serverId: string): StoredServer | undefined {
    try {
      return this.inventory.stored(serverId);
    } catch {
      return undefined;
    }
  }
}

function unchecked(serverId: string): ServerHealth {
  return { serverId, status: 'unknown', checkedAt: null, ms: null, reason: REASONS.unchecked, cpus: null, load: null, memory: null, disks: [], services: [] };
}
