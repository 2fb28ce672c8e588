// The core: one dispatcher `call(method, input)` plus event streams, wired from the services.
// Runs in plain Node (browser mode, tests) or in Electron's utilityProcess.
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { AcmeAccounts } from './acme/account';
import { Dns01 } from './acme/dns01';
import { acmeHandlers } from './acme/handlers';
import { registerIssueKind } from './acme/issue-task';
import { AcmeService } from './acme/service';
import { AcmeStore } from './acme/store';
import { backupsHandlers } from './backups/handlers';
import { BackupService, repoPasswordSource } from './backups/service';
import { BackupStore } from './backups/store';
import './backups/tasks';
import { createDispatcher, type CallResult, type Caller } from './dispatch';
import { dnsHandlers } from './dns/handlers';
import { DnsService } from './dns/service';
import { DnsStatus } from './dns/status';
import { DnsStore } from './dns/store';
import { driftHandlers } from './drift/handlers';
import { DriftService } from './drift/service';
import { AuditLog, taskOutcome } from './db/audit';
import { DbBrowser } from './db/browse';
import { dbBrowseHandlers } from './db/browse-handlers';
import { DbQuery } from './db/query';
import { dbQueryHandlers } from './db/query-handlers';
import { DbSessions } from './db/sessions';
import { DbTree } from './db/tree';
import { dbTreeHandlers } from './db/tree-handlers';
import { DbAdmin } from './db/admin';
import { dbAdminHandlers } from './db/admin-handlers';
import { dbAuditHandlers } from './db/audit-handlers';
import { DbTransfer } from './db/transfer';
import { dbTransferHandlers } from './db/transfer-handlers';
import { EventHub, type EventListener } from './events';
import { healthHandlers } from './health/handlers';
import { hostingHandlers } from './hosting/handlers';
import { cronHandlers } from './hosting/cron-handlers';
import { deployHandlers } from './hosting/deploy-handlers';
import { DeployTemplateStore, deployTemplateHandlers } from './hosting/deploy-templates';
import { filesHandlers } from './files/handlers';
import { FilesService } from './files/service';
import { logsHandlers } from './logs/handlers';
import { LogService } from './logs/service';
import { TailService } from './logs/tail';
import { SiteService } from './hosting/sites';
import { SiteStore } from './hosting/store';
import { tlsHandlers } from './hosting/tls-handlers';
import { TlsService } from './hosting/tls-service';
import { HealthHistory } from './health/history';
import { HealthService } from './health/service';
import { SampleStore } from './health/samples';
import { SampleRecorder, sampleExtras } from './health/samples-recorder';
import { ThresholdStore } from './health/samples-thresholds';
import { fleetHandlers } from './fleet/handlers';
import { Inventory } from './inventory/service';
import { openLocalStore } from './inventory/store';
import { openKeychain, type Keychain } from './secrets/keychain';
import { ConnectionTester } from './servers/connection-test';
import { serverHandlers } from './servers/handlers';
import { ConnectionManager } from './ssh/connections';
import { knownHostsName } from './ssh/host-key';
import { lookup, readKnownHosts } from './ssh/known-hosts';
import { PromptBroker } from './ssh/prompts';
import { prepareHandlers } from './prepare/handlers';
import { PrepareService } from './prepare/service';
import { registerPrepareKinds } from './prepare/tasks';
import { queueHandlers } from './queue/handlers';
import { QueueService } from './queue/service';
import { TaskSecrets } from './queue/task-secrets';
import { sshHandlers } from './ssh/handlers';
import { terminalHandlers } from './terminal/handlers';
import { TerminalService } from './terminal/service';
import { openDataFolderRoute, openDataFolderTeamOrOffline } from './team/session';
import { teamHandlers } from './team/handlers';
import { tunnelOf } from './team/tunnel';
import { switchingCore, type SwitchMode } from './team/switch';
import { TeamAudit } from './team/audit-chain';
import { TeamPeople, teamLogin } from './team/people';
import { teamPeopleHandlers } from './team/people-handlers';
import { grantedRole } from './team/roles';
import { TeamRoleWatch, withRoleSupportMode } from './team/support-mode';
import { offlineInventoryStore, teamInventoryStore } from './team/inventory-store';
import { teamTemplateStore } from './team/template-store';
import { teamSiteStore } from './team/site-store';
import { teamDnsStore } from './team/dns-store';
import { teamBackupStore } from './team/backup-store';
import { TeamBlobs } from './team/blobs';
import { version } from './version';

export type { CallResult, Caller };

export interface Core {
  call(method: string, input: unknown, caller?: Caller): Promise<CallResult>;
  subscribe(listener: EventListener): () => void;
  /** A window detached: what it owned (its terminals) ends. */
  windowClosed(windowId: string): void;
  close(): Promise<void>;
  /** The shared SSH connections (for services built on the core, and integration tests). */
  readonly connections: ConnectionManager;
  /** Database sessions (for services built on the core, and integration tests). */
  readonly db: DbSessions;
  /** The task queues (for services built on the core, and the queue's own tests: the contract has no generic enqueue). */
  readonly queue: QueueService;
  /** Backups (the scheduler's tick and the age warnings, for integration tests). */
  readonly backups: BackupService;
}

export type CoreOptions = {
  dataDir: string;
  /** Home whose ~/.ssh is read (known_hosts, config); defaults to the OS user's home. */
  homeDir?: string;
  keychain?: Keychain;
  log?: (line: string) => void;
  /** false: no health polling, scheduled backups or certificate renewals (a one-shot command-line run). Default true. */
  background?: boolean;
};

export async function createCore(options: CoreOptions): Promise<Core> {
  return switchingCore((switchMode) => openCore(options, switchMode));
}

/** The core in the data folder's mode (solo or team); switchMode changes it (team/switch.ts). */
async function openCore(options: CoreOptions, switchMode: SwitchMode): Promise<Core> {
  const home = options.homeDir ?? os.homedir();
  const log = options.log ?? ((line: string) => console.error(line));
  mkdirSync(options.dataDir, { recursive: true });
  const keychain = options.keychain ?? (await openKeychain());
  if (keychain.note) log(`[hostdeck] ${keychain.note}`);
  const events = new EventHub();
  // Team mode (team.json in the data folder): the queues are the team database's.
  // Its way there first (direct, or an SSH tunnel whose server is in team.json: the inventory is read through it).
  const way = await openDataFolderRoute(options.dataDir, keychain, home, log);
  const me = way.route ? await teamLogin(options.dataDir, keychain, log, way.route) : null;
  // A team database that does not answer: the app opens without data or queues, and says why (Settings → Team).
  const { team, offline } = way.route ? await openDataFolderTeamOrOffline(options.dataDir, keychain, log, way.route) : { team: null, offline: way.offline };
  // A support login's customer databases are read-only whatever the settings say: its role is the
  // team database's word, asked again every 15 s (an admin's change re-reads the settings).
  const role = new TeamRoleWatch(me?.role ?? null, team ? () => grantedRole(team.db.pool, team.config.database) : null, () => events.emit('settings.changed', {}));
  const store = withRoleSupportMode(team ? teamInventoryStore(team.records, `team ${team.teamName}`) : offline ? offlineInventoryStore(offline.message) : openLocalStore(options.dataDir), () => role.current());
  // Another workstation's change shows as the same events a change made here emits.
  team?.records.onChange(({ table, ids }) => {
    if (table === 'servers') events.emit('inventory.changed', { ids });
    if (table === 'settings') events.emit('settings.changed', {});
    events.emit('team.changed', { table, ids });
  });
  const inventory = new Inventory(store, keychain, events, home);
  const prompts = new PromptBroker(events);
  const connections = new ConnectionManager(inventory, store, home, events, prompts);
  const tester = new ConnectionTester(inventory, store, connections);
  const terminals = new TerminalService(connections, events);
  const audit = new AuditLog(options.dataDir);
  // Team mode: the audit is the team database's (hash-chained, append-only); an entry it cannot take stays in the file.
  if (team) {
    audit.useTeam(
      new TeamAudit(team.db.pool, (entry, error) => {
        log(`[hostdeck] team audit: an entry is kept in this computer's audit file instead (${error instanceof Error ? error.message : String(error)})`);
        audit.keepLocally(entry);
      }),
    );
  }
  const db = new DbSessions(inventory, store, keychain, connections, audit, events);
  const dbTree = new DbTree(db);
  const dbBrowser = new DbBrowser(db, dbTree);
  const dbTransfer = new DbTransfer(db, events);
  const dbAdmin = new DbAdmin(db);
  const dbQuery = new DbQuery(db, options.dataDir);
  const health = new HealthService(inventory, store, connections, events, new HealthHistory(options.dataDir, log), home);
  const taskSecrets = new TaskSecrets(keychain, events, log);
  await taskSecrets.load();
  // Repository passwords (kept for good) are asked for by reference like a task's own secret.
  const repoPasswords = repoPasswordSource(keychain);
  const secretSource = { source: async (ref: string) => (await repoPasswords(ref)) ?? taskSecrets.source(ref), hold: (ref: string, secret: string) => taskSecrets.hold(ref, secret) };
  const queue = new QueueService(path.join(options.dataDir, 'queue'), connections, events, log, secretSource, (serverId, task) => {
    try {
      audit.recordTask(taskOutcome(serverId, inventory.stored(serverId).name, task));
    } catch (error) {
      log(`[hostdeck] the audit did not take task ${task.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const sites = new SiteService(team ? teamSiteStore(team.records) : new SiteStore(options.dataDir), queue, inventory, taskSecrets);
  const siteDomains = (serverId: string, site: string) => sites.site(serverId, site).domains;
  const logs = new LogService(connections, (serverId) => sites.state(serverId), new TailService(connections, events));
  const files = new FilesService(connections, (serverId, site) => sites.site(serverId, site));
  const dnsStore = team ? teamDnsStore(team.records) : new DnsStore(options.dataDir);
  const dns = new DnsService(dnsStore, queue, inventory, connections, new DnsStatus(), siteDomains, events);
  const acmeStore = new AcmeStore(options.dataDir);
  const acmeAccounts = new AcmeAccounts(keychain);
  registerIssueKind({ settings: () => acmeStore.settings(), accounts: acmeAccounts, dns01: new Dns01(dns) });
  const acme = new AcmeService(acmeStore, acmeAccounts, sites, inventory, queue, taskSecrets, dns, options.dataDir, events);
  registerPrepareKinds({ inventory, connections });
  const prepare = new PrepareService(connections, inventory, sites, dns, queue);
  const tls = new TlsService(sites, connections, queue, inventory, acme, log);
  const trustedHostKey = async (host: string, port: number) => store.pins()[knownHostsName(host, port)] ?? lookup(await readKnownHosts(path.join(home, '.ssh', 'known_hosts')), host, port).keys[0] ?? null;
  const backups = new BackupService(team ? teamBackupStore(team.records, team.db.workstation) : new BackupStore(options.dataDir), keychain, sites, queue, connections, inventory, events, log, taskSecrets, trustedHostKey);
  health.setWarningSource((serverId) => tls.expiryWarnings(serverId));
  const samples = new SampleRecorder(new SampleStore(options.dataDir, log), new ThresholdStore(options.dataDir), store, sampleExtras(tls, backups));
  health.afterTick = (results) => samples.tick(results);
  health.setAlertSource((serverId) => [...tls.expiredAlerts(serverId), ...backups.ageWarnings(serverId), ...samples.alerts(serverId)]);

  const drift = new DriftService({ store, connections, sites, queue, dns: dnsStore, importZone: (serverId, zone) => dns.importZone(serverId, zone, undefined, true), dataDir: options.dataDir, events });

  const call = createDispatcher(
    {
      'app.info': async () => ({ version, keychain: keychain.kind, keychainNote: keychain.note, dataDir: options.dataDir }),
      ...serverHandlers(inventory, tester, home),
      ...sshHandlers(connections, prompts, store, events),
      ...terminalHandlers(terminals),
      ...healthHandlers(health),
      ...dnsHandlers(dns),
      ...dbTreeHandlers(db, dbTree, inventory),
      ...dbBrowseHandlers(dbBrowser),
      ...dbQueryHandlers(dbQuery, inventory),
      ...dbTransferHandlers(dbTransfer),
      ...dbAdminHandlers(dbAdmin),
      ...dbAuditHandlers(audit),
      ...queueHandlers(queue, () => role.current()),
      ...teamHandlers({ dataDir: options.dataDir, home, keychain, team, offline, switchMode, tunnelFor: (id) => tunnelOf(inventory.stored(id), (serverId) => connections.connectFresh(serverId)), log }),
      ...teamPeopleHandlers(new TeamPeople(() => team, keychain, audit)),
      ...hostingHandlers(sites, connections),
      ...cronHandlers(sites, connections, events),
      ...deployHandlers(sites, queue),
      ...deployTemplateHandlers(team ? teamTemplateStore(team.records) : new DeployTemplateStore(options.dataDir)),
      ...acmeHandlers(acme),
      ...tlsHandlers(tls),
      ...backupsHandlers(backups),
      ...logsHandlers(logs, (serverId, site, baseVersion) => sites.setUpLogs(serverId, site, baseVersion)),
      ...filesHandlers(files),
      ...prepareHandlers(prepare),
      ...driftHandlers(drift),
      ...fleetHandlers({ servers: () => store.servers(), health: () => health.get().servers, sites: (id) => sites.sites(id), zones: async () => (await dns.zones(false)).zones, queues: () => queue.overview() }, samples, inventory, store),
    },
    log,
  );
  if (team) {
    queue.useBackend(team.queue);
    queue.blobs.useRemote(new TeamBlobs(team.db));
    backups.useScheduleLead((serverId) => team.queue.leads(`bk.${serverId}`));
  }
  if (!offline) queue.start();
  if (options.background !== false) {
    health.start();
    tls.start();
    backups.start();
  }

  return {
    call,
    subscribe: (listener) => events.subscribe(listener),
    windowClosed: (windowId) => {
      terminals.closeOwnedBy(windowId);
      logs.tails.closeOwnedBy(windowId);
    },
    close: async () => {
      health.stop();
      tls.stop();
      backups.stop();
      acme.stop();
      dns.stop();
      drift.stop();
      await queue.stop();
      terminals.closeAll();
      logs.tails.closeAll();
      await files.closeAll();
      await db.closeAll();
      connections.closeAll();
      role.stop();
      await team?.close();
      await way.route?.close();
    },
    connections,
    db,
    queue,
    backups,
  };
}
