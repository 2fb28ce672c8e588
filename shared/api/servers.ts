// The inventory: servers, their first connection and host keys, ~/.ssh/config import.
import { z } from 'zod';
import { HostKeyInfo, Server, ServerId, ServerInput, SshConfigCandidate } from '../domain';
import { ok } from './common';

export const ConnectionTestResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('connected'),
    hostKey: HostKeyInfo,
    trustedBy: z.enum(['pin', 'known_hosts']),
    /** Jump hosts the connection went through, nearest first. */
    via: z.array(z.string()),
    uname: z.string(),
    uptime: z.string(),
    elapsedMs: z.number(),
  }),
  z.object({ status: z.literal('host-key-unknown'), hostKey: HostKeyInfo }),
]);
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

export const serversApi = {
  'servers.list': { input: z.object({}).strict(), output: z.array(Server) },
  'servers.add': { input: ServerInput, output: Server },
  'servers.update': {
    /** baseVersion (team mode): the version the edit was based on; someone else's change since is a conflict carrying both. */
    input: z.object({ id: ServerId, server: ServerInput, clearSecret: z.boolean().optional(), baseVersion: z.number().int().positive().optional() }).strict(),
    output: Server,
  },
  'servers.remove': { input: z.object({ id: ServerId }).strict(), output: ok },
  'servers.test': { input: z.object({ id: ServerId }).strict(), output: ConnectionTestResult },
  'servers.trustHostKey': {
    input: z.object({ id: ServerId, fingerprint: z.string().max(128) }).strict(),
    output: ok,
  },
  'servers.forgetHostKey': { input: z.object({ id: ServerId }).strict(), output: ok },
  'sshConfig.preview': {
    input: z.object({ path: z.string().max(4096).optional() }).strict(),
    output: z.object({ path: z.string(), candidates: z.array(SshConfigCandidate) }),
  },
  'sshConfig.import': {
    input: z.object({ path: z.string().max(4096).optional(), aliases: z.array(z.string().max(256)).min(1).max(500) }).strict(),
    output: z.object({ added: z.array(Server), skipped: z.array(z.object({ alias: z.string(), reason: z.string() })) }),
  },
} as const;
