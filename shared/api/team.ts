// Team mode (Settings → Team): this workstation's data in a shared MariaDB the team runs, or in
// its own data folder (solo, the default). Create puts this folder's data into a new team; join
// uses an existing one; leave copies the team's data back into the folder. The database password
// goes to this computer's keychain only.
import { z } from 'zod';

const Host = z
  .string()
  .min(1, 'Host is required')
  .max(255, 'Host is too long')
  .regex(/^[A-Za-z0-9.:_-]+$/, 'Host: a name or an address (letters, digits, ".", ":", "-", "_")');
const Port = z.number({ error: 'Port must be a number' }).int('Port must be a whole number').min(1, 'Port: 1-65535').max(65535, 'Port: 1-65535');
const User = z
  .string()
  .min(1, 'User is required')
  .max(80, 'User is too long')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'User: letters, digits, "_", ".", "@" and "-"');
export const TeamDatabaseName = z
  .string()
  .min(1, 'Database is required')
  .max(64, 'Database: at most 64 characters')
  .regex(/^[A-Za-z0-9_]+$/, 'Database: letters, digits and "_"');
const TeamPassword = z.string().min(1, 'Password is required').max(200, 'Password is too long');
const Workstation = z
  .string()
  .min(1, 'Name is required')
  .max(120, 'Name is too long')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'Name: printable characters on one line');

/** The database reached directly (null), or through an SSH tunnel of this inventory server. */
const TunnelServerId = z.string().uuid('Choose a server from the inventory').nullable();

export const TeamConnectInput = z
  .object({ host: Host, port: Port, user: User, password: TeamPassword, database: TeamDatabaseName, workstation: Workstation.optional(), tunnelServerId: TunnelServerId.optional() })
  .strict();
export type TeamConnectInput = z.infer<typeof TeamConnectInput>;

export const TeamStatus = z.object({
  mode: z.enum(['solo', 'team']),
  team: z
    .object({
      name: z.string(),
      host: z.string(),
      port: z.number(),
      user: z.string(),
      database: z.string(),
      workstation: z.string(),
      /** The server whose SSH tunnel carries the connection (its name and id), or null: direct. */
      via: z.object({ serverId: z.string(), name: z.string() }).nullable(),
    })
    .nullable(),
  /** Team mode: whether the database answers now. */
  connected: z.boolean(),
  error: z.string().nullable(),
});
export type TeamStatus = z.infer<typeof TeamStatus>;

/** What create copied into the team, or leave copied back. */
const Copied = z.object({ servers: z.number(), hostKeys: z.number(), templates: z.number(), tasks: z.number(), sites: z.number().optional(), zones: z.number().optional(), backups: z.number().optional() });

export const teamApi = {
  'team.status': { input: z.object({}).strict(), output: TeamStatus },
  /** Creates the team's tables in the (empty) database and copies this folder's data into them; this workstation is then in team mode. */
  'team.create': {
    input: TeamConnectInput.extend({ teamName: z.string().min(1, 'Team name is required').max(120, 'Team name is too long') }).strict(),
    output: z.object({ status: TeamStatus, copied: Copied }),
  },
  /** Uses an existing team (this folder's own data stays in it, unused until leave). */
  'team.join': { input: TeamConnectInput, output: z.object({ status: TeamStatus }) },
  /** Copies the team's data into this folder (replacing its inventory and queues) and goes back to solo mode; confirm: the team's name. */
  /** Reaches the team database another way from now on (directly, or through a server's SSH tunnel); checked before it is kept. */
  'team.setRoute': { input: z.object({ tunnelServerId: TunnelServerId }).strict(), output: z.object({ status: TeamStatus }) },
  'team.leave': { input: z.object({ confirm: z.string().max(120) }).strict(), output: z.object({ status: TeamStatus, copied: Copied }) },
} as const;
