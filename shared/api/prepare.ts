// "Prepare server…": what a fresh Debian/Ubuntu machine has (the preflight, one read-only round
// trip) and the recipe of queue tasks that makes it a Hostdeck hosting server for the roles the
// admin picks. Every task checks, changes only what is missing, and verifies; run again it
// reports "in place" for every step.
import { z } from 'zod';
import { ServerId } from '../domain';
import { SaidShape as Said } from '../errors';
import { Task } from '../queue';
import { IPV4 } from '../validation';

export const PREPARE_ROLES = ['base', 'web', 'db', 'ftp', 'ns'] as const;
export const PrepareRole = z.enum(PREPARE_ROLES);
export type PrepareRole = z.infer<typeof PrepareRole>;

export const InstalledSoftware = z.object({
  name: z.string(),
  /** The package's version, or null when it is not installed. */
  version: z.string().nullable(),
});
export type InstalledSoftware = z.infer<typeof InstalledSoftware>;

export const ListeningPort = z.object({ proto: z.enum(['tcp', 'udp']), address: z.string(), port: z.number().int(), process: z.string() });
export type ListeningPort = z.infer<typeof ListeningPort>;

/**
 * Whether the preparation can run as root: logged in as root, or through sudo without a password
 * (`sudo -n true` worked), or sudo asks for a password, or there is no sudo.
 */
export const SudoState = z.enum(['root', 'nopasswd', 'password', 'missing']);
export type SudoState = z.infer<typeof SudoState>;

export const PreflightReport = z.object({
  os: z.object({ id: z.string(), version: z.string(), pretty: z.string() }),
  /**
   * The SSH login the preflight ran as, and how it becomes root; where sudo asks for a password,
   * whether it took the login password Hostdeck keeps (null: none kept, or not asked).
   */
  login: z.object({ user: z.string(), sudo: SudoState, sudoPassword: z.enum(['accepted', 'refused']).nullable() }),
  /** Debian 12 or an Ubuntu with the same packages: the recipe is written for these. */
  supported: z.boolean(),
  /** systemd runs the machine; without it (a container, a chroot) daemons start through their init scripts. */
  systemd: z.boolean(),
  memoryMb: z.number(),
  /** Free space of / in MB. */
  diskFreeMb: z.number(),
  software: z.array(InstalledSoftware),
  /** php-fpm versions installed (8.2, …). */
  phpFpm: z.array(z.string()),
  ports: z.array(ListeningPort),
  /** Sites Apache serves (its sites-enabled), when it is installed: reported, never touched. */
  apacheSites: z.array(z.string()),
  /** The SSH server's ports (sshd -T). */
  sshPorts: z.array(z.number().int()),
  /** PasswordAuthentication as sshd runs it now. */
  sshPasswordAuth: z.boolean(),
  /** What the preflight could not read, if anything. */
  notes: z.array(z.string()),
  /** The notes as templates (marked msg() in the core) and values, for the UI to word in its language. */
  notesSaid: z.array(Said),
});
export type PreflightReport = z.infer<typeof PreflightReport>;

/** Where the other nameservers of the team are, for zone transfers and notifies (IPv4 addresses). */
export const NsPeer = z.string().regex(IPV4, 'An IPv4 address like 203.0.113.5');

export const PrepareInput = z
  .object({
    serverId: ServerId,
    roles: z.array(PrepareRole).min(1, 'Pick at least one role').max(PREPARE_ROLES.length).refine((r) => new Set(r).size === r.length, 'Roles must not repeat'),
    /** The team's other nameservers (ns role); default: the other servers with the ns role whose host is an address. */
    nsPeers: z.array(NsPeer).max(20).optional(),
  })
  .strict();
export type PrepareInput = z.infer<typeof PrepareInput>;

/** `params`: the task's parameters (no secret among them), for the UI to word the title in its language. */
export const PlannedTask = z.object({ kind: z.string(), title: z.string(), commands: z.array(z.string()), params: z.record(z.string(), z.unknown()) });

export const preparePlan = z.object({
  tasks: z.array(PlannedTask),
  /** What the recipe would change on this machine, as the preflight saw it (one line each). */
  changes: z.array(z.string()),
  /** What it will leave alone and why (an Apache serving sites, a password-only login…). */
  warnings: z.array(z.string()),
  /** The same lines as templates and values (the UI words them in its language). */
  changesSaid: z.array(Said),
  warningsSaid: z.array(Said),
});
export type PreparePlan = z.infer<typeof preparePlan>;

export const prepareApi = {
  /** One read-only round trip: OS, installed software, memory, disk, listening ports, SSH login settings. */
  'prepare.preflight': {
    input: z.object({ serverId: ServerId }).strict(),
    output: PreflightReport,
  },
  /** The tasks the recipe would queue for these roles, with their exact commands, and what they would change; nothing is queued. */
  'prepare.preview': {
    input: PrepareInput,
    output: preparePlan,
  },
  /** Queues the recipe's tasks for these roles in order (the queue stops at the first failure). */
  'prepare.enqueue': {
    input: PrepareInput,
    output: z.object({ tasks: z.array(Task) }),
  },
} as const;
