// Domain types of the inventory, defined once as zod schemas; the types are inferred.
import { z } from 'zod';
import { CONTROL_CHARS, SERVER_NAME, SERVER_NAME_MAX, TAG, UNIX_USER, isHost } from './validation';

export const ROLES = ['web', 'db', 'ftp', 'ns'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

function text(what: string, max: number) {
  return z
    .string({ error: `${what} is required` })
    .max(max, `${what} is too long (at most ${max} characters)`)
    .refine((v) => !CONTROL_CHARS.test(v), `${what} must not contain line breaks or control characters`);
}

export const ServerName = text('Name', SERVER_NAME_MAX)
  .refine((v) => v.trim().length > 0, 'Name is required')
  .refine((v) => v.length === 0 || SERVER_NAME.test(v), 'Name may use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit');

export const Host = text('Host', 253)
  .refine((v) => v.length > 0, 'Host is required')
  .refine((v) => v.length === 0 || isHost(v), 'Host must be a host name or an IP address');

export const Port = z
  .number({ error: 'Port must be a number' })
  .int('Port must be a whole number')
  .min(1, 'Port must be between 1 and 65535')
  .max(65535, 'Port must be between 1 and 65535');

export const UnixUser = text('User', 32)
  .refine((v) => v.length > 0, 'User is required')
  .refine((v) => v.length === 0 || UNIX_USER.test(v), 'User must be a valid login name (letters, digits, _ . -)');

export const KeyPath = text('Key file', 4096)
  .refine((v) => v.length > 0, 'Key file is required for key authentication')
  .refine((v) => v.length === 0 || v.startsWith('/') || v.startsWith('~/'), 'Key file must be an absolute path or start with ~/');

export const Tag = z.string().regex(TAG, 'Tags may use letters, digits, _ and - (at most 32 characters each)');

export const AuthMethod = z.enum(['key', 'key-passphrase', 'agent', 'password', 'keyboard-interactive']);
export type AuthMethod = z.infer<typeof AuthMethod>;

export const Auth = z.discriminatedUnion('method', [
  z.object({ method: z.literal('key'), keyPath: KeyPath }),
  z.object({ method: z.literal('key-passphrase'), keyPath: KeyPath }),
  z.object({ method: z.literal('agent') }),
  z.object({ method: z.literal('password') }),
  // Every prompt (password, OTP, …) is shown in the UI: how 2FA logins work.
  z.object({ method: z.literal('keyboard-interactive') }),
]);
export type Auth = z.infer<typeof Auth>;

/** Passwords and passphrases: write-only, go straight to the keychain. */
export const Secret = z
  .string()
  .min(1, 'Secret must not be empty')
  .max(1024, 'Secret is too long (at most 1024 characters)')
  .refine((v) => !/[\u0000\r\n]/.test(v), 'Secret must not contain line breaks');

const serverFields = {
  name: ServerName,
  host: Host,
  port: Port,
  user: UnixUser,
  auth: Auth,
  roles: z.array(Role).max(ROLES.length).refine((r) => new Set(r).size === r.length, 'Roles must not repeat'),
  tags: z.array(Tag).max(20, 'At most 20 tags').refine((t) => new Set(t).size === t.length, 'Tags must not repeat'),
  /** Reach this server through another inventory server (ProxyJump); chains are followed. */
  jumpHostId: z.string().uuid('Choose a jump host from the inventory').nullable().optional(),
};

export const ServerInput = z.object({ ...serverFields, secret: Secret.optional() }).strict();
export type ServerInput = z.infer<typeof ServerInput>;

export const ServerId = z.string().uuid('Unknown server id');

/** version: team mode's record version (an edit carries the one it was based on). */
export const Server = z.object({ id: ServerId, ...serverFields, hasSecret: z.boolean(), version: z.number().int().positive().optional() });
export type Server = z.infer<typeof Server>;

export const HostKeyInfo = z.object({ keyType: z.string(), fingerprint: z.string() });
export type HostKeyInfo = z.infer<typeof HostKeyInfo>;

export const SshConfigCandidate = z.object({
  alias: z.string(),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  keyPath: z.string().nullable(),
  /** The alias of the host this one is reached through (ProxyJump), if any. */
  proxyJump: z.string().nullable(),
  problem: z.string().nullable(),
  exists: z.boolean(),
});
export type SshConfigCandidate = z.infer<typeof SshConfigCandidate>;

/** App-wide settings (not secrets), kept with the inventory. */
export const Settings = z.object({
  keepaliveIntervalS: z.number().int().min(0, 'At least 0 (off)').max(600, 'At most 600 s'),
  keepaliveCountMax: z.number().int().min(1, 'At least 1').max(100, 'At most 100'),
  /** How long a connection nobody uses stays open. */
  idleCloseS: z.number().int().min(0, 'At least 0').max(86_400, 'At most a day'),
  healthIntervalS: z.number().int().min(5, 'At least 5 s').max(3600, 'At most an hour'),
  healthConcurrency: z.number().int().min(1, 'At least 1').max(256, 'At most 256'),
  /** Support mode: every customer database session is read-only, on every server. */
  supportMode: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { keepaliveIntervalS: 15, keepaliveCountMax: 3, idleCloseS: 60, healthIntervalS: 30, healthConcurrency: 16, supportMode: false };

/** The visible state of a server's one SSH connection. */
export const ConnectionState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('connecting'), attempt: z.number() }),
  z.object({ state: z.literal('connected'), since: z.string(), via: z.array(z.string()) }),
  z.object({ state: z.literal('reconnecting'), attempt: z.number(), retryInMs: z.number(), reason: z.string() }),
  z.object({ state: z.literal('failed'), code: z.string(), reason: z.string() }),
]);
export type ConnectionState = z.infer<typeof ConnectionState>;

/** A login question from the server (keyboard-interactive) or from us (a key passphrase). */
export const AuthPrompt = z.object({
  id: z.string(),
  serverId: z.string(),
  serverName: z.string(),
  title: z.string(),
  instructions: z.string(),
  prompts: z.array(z.object({ prompt: z.string(), echo: z.boolean() })),
  /** Whether the answer may be kept in the keychain (password / passphrase prompts). */
  canRemember: z.boolean(),
});
export type AuthPrompt = z.infer<typeof AuthPrompt>;
