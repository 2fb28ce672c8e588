// The contract: every method the UI may call, with its input and output schemas.
// The core validates every input against these before doing any work.
import { z } from 'zod';
import { HostKeyInfo, Server, ServerId, ServerInput, SshConfigCandidate } from './domain';

const ok = z.object({ ok: z.literal(true) });

export const ConnectionTestResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('connected'),
    hostKey: HostKeyInfo,
    trustedBy: z.enum(['pin', 'known_hosts']),
    uname: z.string(),
    uptime: z.string(),
    elapsedMs: z.number(),
  }),
  z.object({ status: z.literal('host-key-unknown'), hostKey: HostKeyInfo }),
]);
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

export const api = {
  'app.info': {
    input: z.object({}).strict(),
    output: z.object({ version: z.string(), keychain: z.enum(['os', 'memory']), keychainNote: z.string().nullable(), dataDir: z.string() }),
  },
  'servers.list': { input: z.object({}).strict(), output: z.array(Server) },
  'servers.add': { input: ServerInput, output: Server },
  'servers.update': {
    input: z.object({ id: ServerId, server: ServerInput, clearSecret: z.boolean().optional() }).strict(),
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

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(api, name);
}
