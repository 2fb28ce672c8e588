// The team's people (Settings → Team → People): accounts with their roles, and changes to them —
// create, change a role, remove — each previewed as its exact statements (passwords as '***')
// and then run as previewed, by the person's own login: the server decides whether it may.
// Each statement run is audited the way it was shown.
import type { AuditEntry } from '../../../shared/api/db';
import type { PeopleChange, Person, TeamMe, TeamRole } from '../../../shared/api/team-admin';
import { AppError, msg } from '../../../shared/errors';
import { quoteString } from '../db/account-sql';
import type { AuditLog } from '../db/audit';
import { generatePassword } from '../hosting/plans';
import type { Keychain } from '../secrets/keychain';
import { readTeamConfig, teamError, teamPassword, teamPasswordAccount } from './connection';
import { activateRole, listPeople, peopleStatements, prepareLogin, rolesExist, setUpStatements } from './roles';
import { TEAM_TABLES } from './schema';
import type { TeamSession } from './session';
import type { TeamEndpoint } from './tunnel';

/**
 * Team mode's first step at start (before the team session opens): this login's role made its
 * default and read from the server. Null in solo mode, or when the login cannot be checked here
 * (opening the team session then says why).
 */
export async function teamLogin(dataDir: string, keychain: Keychain, log: (line: string) => void, endpoint: TeamEndpoint): Promise<TeamMe | null> {
  const config = readTeamConfig(dataDir);
  if (!config) return null;
  try {
    return await prepareLogin(config, await teamPassword(keychain, config), endpoint);
  } catch (error) {
    log(`[hostdeck] team: the login's role could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

export class TeamPeople {
  constructor(
    private readonly session: () => TeamSession | null,
    private readonly keychain: Keychain,
    private readonly audit: AuditLog,
  ) {}

  private team(): TeamSession {
    const team = this.session();
    if (!team) throw new AppError('conflict', msg('This workstation is not in a team (team mode is off).'));
    return team;
  }

  async people(): Promise<{ me: TeamMe; people: Person[]; setup: string[] | null } | null> {
    const team = this.session();
    if (!team) return null;
    const { database } = team.config;
    try {
      const conn = await team.db.pool.getConnection();
      try {
        const me = await activateRole(conn, database);
        const setup = (await rolesExist(conn, database)) ? null : setUpStatements(database, TEAM_TABLES);
        return { me, people: await listPeople(conn), setup };
      } finally {
        conn.release();
      }
    } catch (error) {
      throw teamError(error);
    }
  }

  async setUp(): Promise<string[]> {
    const team = this.team();
    const statements = setUpStatements(team.config.database, TEAM_TABLES);
    await this.run(team, statements, statements);
    return statements;
  }

  private async current(change: PeopleChange): Promise<TeamRole | null> {
    if (change.action === 'create') return null;
    const person = (await listPeople(this.team().db.pool)).find((p) => p.user === change.user && p.host === change.host);
    if (!person) throw AppError.worded('not-found', msg("{{account}} is not one of this team's people."), { account: `${change.user}@${change.host}` });
    return person.role;
  }

  async preview(change: PeopleChange): Promise<string[]> {
    return peopleStatements(this.team().config.database, change, null, await this.current(change));
  }

  async change(change: PeopleChange, confirm: string | null): Promise<{ statements: string[]; password: string | null; keychain: boolean }> {
    const team = this.team();
    const { database, user: myUser } = team.config;
    if (change.action === 'remove' && confirm !== `${change.user}@${change.host}`) {
      throw AppError.worded('invalid-input', msg('Type {{account}} to remove this account.'), { account: `${change.user}@${change.host}` }, { fields: { confirm: 'Does not match' } });
    }
    const current = await this.current(change);
    const password = change.action === 'create' ? (change.password ?? generatePassword()) : null;
    const shown = peopleStatements(database, change, null, current);
    const sent = peopleStatements(database, change, password === null ? null : quoteString(password, false), current);
    await this.run(team, sent, shown);
    // Only this workstation's own login keeps its password, in this computer's keychain.
    const mine = change.action === 'create' && change.user === myUser;
    if (mine && password) await this.keychain.set(teamPasswordAccount(team.config), password);
    return { statements: shown, password: change.action === 'create' && change.password === null ? password : null, keychain: mine };
  }

  /** Runs statements in order on one connection, each audited as shown; the first refusal stops them and says how far they got. */
  private async run(team: TeamSession, sent: string[], shown: string[]): Promise<void> {
    const conn = await team.db.pool.getConnection().catch((error: unknown) => {
      throw teamError(error);
    });
    try {
      for (let i = 0; i < sent.length; i++) {
        const started = performance.now();
        try {
          await conn.query(sent[i]!);
          this.record(team, shown[i]!, performance.now() - started, 'ok', null);
        } catch (error) {
          const e = teamError(error);
          this.record(team, shown[i]!, performance.now() - started, 'error', e.message);
          const key =
            i === 0 ? msg('{{statement}} was refused (nothing was changed): {{reason}}')
            : i === 1 ? msg('{{statement}} was refused (the 1 statement before it ran): {{reason}}')
            : msg('{{statement}} was refused (the {{n}} statements before it ran): {{reason}}');
          throw AppError.worded(e.code, key, { statement: shown[i]!, n: i, reason: e.message });
        }
      }
    } finally {
      conn.release();
    }
  }

  private record(team: TeamSession, statement: string, durationMs: number, outcome: AuditEntry['outcome'], error: string | null): void {
    this.audit.record({ at: new Date().toISOString(), serverId: 'team', serverName: `team ${team.teamName}`, database: team.config.database, statement, rows: null, durationMs: Math.round(durationMs), outcome, error });
  }
}
