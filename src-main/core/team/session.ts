// A data folder in team mode: its team.json names the database, the keychain holds the password.
// The session is the open database, its schema checked, and the shared queue's journals.
import type { Keychain } from '../secrets/keychain';
import { openTeamDb, readTeamConfig, teamError, teamPassword, type TeamConfig, type TeamDb } from './connection';
import { TeamQueueBackend } from './queue-backend';
import { TeamRecords } from './records';
import { ensureDnsJournalView } from './roles';
import { openTeamRoute, type TeamEndpoint, type TeamRoute } from './tunnel';
import { readSchema } from './schema';

export type TeamSession = {
  config: TeamConfig;
  teamName: string;
  db: TeamDb;
  queue: TeamQueueBackend;
  records: TeamRecords;
  close(): Promise<void>;
};

export async function openTeamSession(config: TeamConfig, password: string, log: (line: string) => void, endpoint: TeamEndpoint = config): Promise<TeamSession> {
  const db = await openTeamDb(config, password, endpoint);
  try {
    const { teamName } = await readSchema(db.pool);
    await ensureDnsJournalView(db.pool, config.database, log);
    const records = new TeamRecords(db, log);
    await records.start();
    const queue = new TeamQueueBackend(db, log);
    await queue.start();
    return {
      config,
      teamName,
      db,
      queue,
      records,
      close: async () => {
        records.stop();
        await queue.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Team mode whose database could not be opened at start-up: why, and the folder's team settings. */
export type TeamOffline = { config: TeamConfig; message: string };

/** The data folder's way to its team database (direct or its SSH tunnel; null in solo mode), or why it cannot be opened. */
export async function openDataFolderRoute(dataDir: string, keychain: Keychain, home: string, log: (line: string) => void): Promise<{ route: TeamRoute | null; offline: TeamOffline | null }> {
  const config = readTeamConfig(dataDir);
  if (!config) return { route: null, offline: null };
  try {
    return { route: await openTeamRoute(config, config.tunnel, keychain, home, log), offline: null };
  } catch (error) {
    const message = teamError(error).message;
    log(`[hostdeck] team mode: ${message}`);
    return { route: null, offline: { config, message } };
  }
}

/**
 * The data folder's team session through its route; or, when its database does not answer (or
 * the password is not in the keychain), why — so that the app still opens, shows it, and can go
 * back to solo.
 */
export async function openDataFolderTeamOrOffline(dataDir: string, keychain: Keychain, log: (line: string) => void, route: TeamEndpoint): Promise<{ team: TeamSession | null; offline: TeamOffline | null }> {
  const config = readTeamConfig(dataDir);
  if (!config) return { team: null, offline: null };
  try {
    return { team: await openTeamSession(config, await teamPassword(keychain, config), log, route), offline: null };
  } catch (error) {
    const message = teamError(error).message;
    log(`[hostdeck] team mode: ${message}`);
    return { team: null, offline: { config, message } };
  }
}
