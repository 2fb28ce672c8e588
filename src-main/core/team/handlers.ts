// Team mode's part of the contract: status, create (this folder's data into a new team), join,
// leave (the team's data back into this folder). Each change goes through switchMode: the core
// closes, the folder changes, the core opens again in the new mode.
import type { TeamConnectInput, TeamStatus, teamApi } from '../../../shared/api/team';
import { AppError, msg } from '../../../shared/errors';
import type { HandlersFor } from '../dispatch';
import type { Keychain } from '../secrets/keychain';
import { defaultWorkstation, openTeamDb, readTeamConfig, teamError, teamPassword, teamPasswordAccount, writeTeamConfig, type TeamConfig } from './connection';
import { TeamRecords } from './records';
import { createSchema, readSchema } from './schema';
import type { TeamOffline, TeamSession } from './session';
import type { SwitchMode } from './switch';
import { exportToFolder, importFolder, type Copied } from './transfer';
import { openTeamRoute, type TeamTunnel } from './tunnel';

/**
 * offline: team mode whose database did not answer at start-up (the app opened without it);
 * tunnelFor: an inventory server as the database's SSH tunnel (tunnel.ts's tunnelOf).
 */
type Deps = {
  dataDir: string;
  home: string;
  keychain: Keychain;
  team: TeamSession | null;
  offline?: TeamOffline | null;
  switchMode: SwitchMode;
  tunnelFor: (serverId: string) => Promise<TeamTunnel>;
  log: (line: string) => void;
};

function statusOf(config: TeamConfig | null, name: string, connected: boolean, error: string | null): TeamStatus {
  if (!config) return { mode: 'solo', team: null, connected: false, error: null };
  const via = config.tunnel ? { serverId: config.tunnel.serverId, name: config.tunnel.name } : null;
  return { mode: 'team', team: { name, host: config.host, port: config.port, user: config.user, database: config.database, workstation: config.workstation, via }, connected, error };
}

export function teamHandlers({ dataDir, home, keychain, team, offline = null, switchMode, tunnelFor, log }: Deps): HandlersFor<typeof teamApi> {
  const configOf = async (input: TeamConnectInput): Promise<TeamConfig> => {
    const tunnel = input.tunnelServerId ? await tunnelFor(input.tunnelServerId) : null;
    return { version: 1, host: input.host, port: input.port, user: input.user, database: input.database, tunnelServerId: tunnel?.serverId ?? null, tunnel, workstation: input.workstation ?? defaultWorkstation() };
  };
  const solo = () => {
    if (readTeamConfig(dataDir)) throw new AppError('conflict', msg('This workstation is in a team already: leave it first.'));
  };
  /** Connects with the form's values (refused with the database's reason) and hands the open database to `use`. */
  const withDb = async <T,>(config: TeamConfig, password: string, use: (db: Awaited<ReturnType<typeof openTeamDb>>) => Promise<T>): Promise<T> => {
    const route = await openTeamRoute(config, config.tunnel, keychain, home, log);
    try {
      const db = await openTeamDb(config, password, route);
      try {
        return await use(db);
      } catch (error) {
        throw error instanceof AppError ? error : new AppError('conflict', error instanceof Error ? error.message : String(error));
      } finally {
        await db.close();
      }
    } finally {
      await route.close();
    }
  };
  const current = async (): Promise<TeamStatus> => {
    const config = readTeamConfig(dataDir);
    // Offline, the team's name is unknown (it is in the database): its database's name stands in.
    if (config && offline) return statusOf(config, config.database, false, offline.message);
    if (!config || !team) return statusOf(config, '', false, null);
    try {
      await team.db.pool.query('SELECT 1');
      return statusOf(config, team.teamName, true, null);
    } catch (error) {
      return statusOf(config, team.teamName, false, teamError(error).message);
    }
  };
  const join = async (config: TeamConfig, password: string) => {
    await keychain.set(teamPasswordAccount(config), password);
    writeTeamConfig(dataDir, config);
  };
  return {
    'team.status': current,
    'team.create': async ({ teamName, ...input }) => {
      solo();
      const config = await configOf(input);
      await withDb(config, input.password, (db) => createSchema(db.pool, teamName, config.workstation));
      let copied: Copied = { servers: 0, hostKeys: 0, templates: 0, tasks: 0 };
      await switchMode(async () => {
        await withDb(config, input.password, async (db) => {
          const records = new TeamRecords(db, log);
          await records.start();
          try {
            copied = await importFolder(dataDir, db, records);
          } finally {
            records.stop();
          }
        });
        await join(config, input.password);
      });
      return { status: statusOf(config, teamName, true, null), copied };
    },
    'team.join': async (input) => {
      solo();
      const config = await configOf(input);
      const { teamName } = await withDb(config, input.password, (db) => readSchema(db.pool));
      await switchMode(() => join(config, input.password));
      return { status: statusOf(config, teamName, true, null) };
    },
    'team.setRoute': async ({ tunnelServerId }) => {
      const config = readTeamConfig(dataDir);
      if (!config) throw new AppError('conflict', msg('This workstation is not in a team.'));
      const tunnel = tunnelServerId ? await tunnelFor(tunnelServerId) : null;
      const next: TeamConfig = { ...config, tunnelServerId: tunnel?.serverId ?? null, tunnel };
      // The new way must reach the same team before it is kept: else the app would open offline.
      const { teamName } = await withDb(next, await teamPassword(keychain, config), (db) => readSchema(db.pool));
      await switchMode(async () => writeTeamConfig(dataDir, next));
      return { status: statusOf(next, teamName, true, null) };
    },
    'team.leave': async ({ confirm }) => {
      const config = readTeamConfig(dataDir);
      if (config && offline) {
        // Nothing can be copied: the folder goes back to its own data (from before joining).
        if (confirm !== config.database) throw AppError.worded('invalid-input', msg("Type the team's database name, {{database}}, to leave it."), { database: config.database }, { fields: { confirm: 'Does not match the database name' } });
        await switchMode(async () => {
          writeTeamConfig(dataDir, null);
          await keychain.delete(teamPasswordAccount(config));
        });
        return { status: statusOf(null, '', false, null), copied: { servers: 0, hostKeys: 0, templates: 0, tasks: 0 } };
      }
      if (!config || !team) throw new AppError('conflict', msg('This workstation is not in a team.'));
      if (confirm !== team.teamName) throw AppError.worded('invalid-input', msg("Type the team's name, {{team}}, to leave it."), { team: team.teamName }, { fields: { confirm: 'Does not match the team name' } });
      // The team's data as this workstation last read it: fresh from the database first.
      await team.records.refresh();
      let copied: Copied = { servers: 0, hostKeys: 0, templates: 0, tasks: 0 };
      const { records, queue } = team;
      await switchMode(async () => {
        copied = exportToFolder(records, queue, dataDir);
        writeTeamConfig(dataDir, null);
        await keychain.delete(teamPasswordAccount(config));
      });
      return { status: statusOf(null, '', false, null), copied };
    },
  };
}
