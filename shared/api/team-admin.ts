// Team mode's people and roles (Settings → Team → People).
// A role is a MariaDB role holding per-table GRANTs on the team database: the server enforces
// it; the UI only hides what a role cannot do. Names are checked here and again in the core
// right before they reach SQL (src-main/core/team/roles.ts).
import { z } from 'zod';
import { Password } from '../hosting';
import { MysqlHost } from '../mysql-accounts';

export const TEAM_ROLES = ['admin', 'operator', 'dns', 'support'] as const;
export const TeamRole = z.enum(TEAM_ROLES);
export type TeamRole = z.infer<typeof TeamRole>;

/** A team account's user name: letters, digits, `_`, `.`, `-`, starting with a letter or digit (no quoting surprises anywhere). */
export const TEAM_USER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
export const TeamUserName = z
  .string({ error: 'User name is required' })
  .min(1, 'User name is required')
  .max(80, 'User name is too long (at most 80 characters)')
  .regex(TEAM_USER, 'User name: letters, digits, "_", "." and "-", starting with a letter or digit');

export const TeamAccount = z.object({ user: TeamUserName, host: MysqlHost }).strict();
export type TeamAccount = z.infer<typeof TeamAccount>;

export const Person = z.object({
  user: z.string(),
  host: z.string(),
  role: TeamRole.nullable(),
  grantedBy: z.string().nullable(),
  grantedAt: z.string().nullable(),
});
export type Person = z.infer<typeof Person>;

/** Who this workstation is to the team database, as the server says (CURRENT_USER(), CURRENT_ROLE(), grants). */
export const TeamMe = z.object({
  user: z.string(),
  host: z.string(),
  /** The role the server gives this login; null when it has none of the team's roles. */
  role: TeamRole.nullable(),
  /** A login with every privilege on the server (the one that created the team): can do what admin does. */
  superuser: z.boolean(),
});
export type TeamMe = z.infer<typeof TeamMe>;

/** A change to the team's people, to preview and then run. `password`: typed, or null to generate one. */
export const PeopleChange = z.discriminatedUnion('action', [
  z.object({ action: z.literal('create'), user: TeamUserName, host: MysqlHost, role: TeamRole, password: Password.nullable() }).strict(),
  z.object({ action: z.literal('role'), user: TeamUserName, host: MysqlHost, role: TeamRole }).strict(),
  z.object({ action: z.literal('remove'), user: TeamUserName, host: MysqlHost }).strict(),
]);
export type PeopleChange = z.infer<typeof PeopleChange>;

export const teamAdminApi = {
  /** Null in solo mode. `setup`: the statements that create the team's roles when the server has none yet (else null). */
  'team.people': {
    input: z.object({}).strict(),
    output: z.object({ me: TeamMe, people: z.array(Person), setup: z.array(z.string()).nullable() }).nullable(),
  },
  /** Creates the team's roles and their grants (as team.people's `setup` shows them) and records this login as admin. */
  'team.setUpRoles': {
    input: z.object({}).strict(),
    output: z.object({ statements: z.array(z.string()) }),
  },
  /** The exact statements a change runs (passwords as '***'). */
  'team.previewPeople': {
    input: z.object({ change: PeopleChange }).strict(),
    output: z.object({ statements: z.array(z.string()) }),
  },
  /**
   * Runs a change. A removal takes `confirm` = "user@host" typed. A generated password comes back
   * once (never stored, except in this computer's keychain when the account is this workstation's own).
   */
  'team.changePeople': {
    input: z.object({ change: PeopleChange, confirm: z.string().max(400).nullable() }).strict(),
    output: z.object({ statements: z.array(z.string()), password: z.string().nullable(), keychain: z.boolean() }),
  },
} as const;
