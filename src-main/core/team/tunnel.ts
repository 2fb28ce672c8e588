// The team database reached through an SSH tunnel of an inventory server (README "Team mode").
// The inventory is itself shared through the team database, so the tunnel server has to be
// reachable before anything of the team is read: team.json keeps what connecting to it takes
// (address, user, how to log in, the host key pinned when the route was chosen); its secrets
// (a stored password or passphrase) are this computer's keychain's, under the server's own
// account. The SSH connection is the tunnel's own, not the ConnectionManager's (that one is
// built on the inventory read through this tunnel), and it never prompts: a route that needs a
// typed answer fails with why, and the app opens offline. When the connection drops, the next
// database connection through the forward waits for it to come back (1, 2, 4 … 30 s apart).
import type { Client } from 'ssh2';
import { z } from 'zod';
import { Auth } from '../../../shared/domain';
import { AppError, msg } from '../../../shared/errors';
import type { StoredServer } from '../inventory/store';
import type { Keychain } from '../secrets/keychain';
import { expandHome } from '../paths';
import { authFor } from '../ssh/auth';
import { connect, type Connected } from '../ssh/connect';
import { openTunnel } from '../ssh/tunnel';

export const TeamTunnel = z
  .object({
    /** The inventory server it was chosen as (its keychain account holds its secrets). */
    serverId: z.string().uuid(),
    name: z.string().min(1).max(255),
    host: z.string().min(1).max(255).regex(/^[A-Za-z0-9.:_-]+$/),
    port: z.number().int().min(1).max(65535),
    user: z.string().min(1).max(255),
    auth: Auth,
    /** The host key trusted when the route was chosen: the only one accepted. */
    hostKey: z.object({ keyType: z.string(), key: z.string(), fingerprint: z.string() }).strict(),
  })
  .strict();
export type TeamTunnel = z.infer<typeof TeamTunnel>;

/** Where mysql2 connects: the database itself, or the local end of the tunnel. */
export type TeamEndpoint = { host: string; port: number };

export type TeamRoute = TeamEndpoint & {
  /** The tunnel server's name, or null (direct). */
  via: string | null;
  close(): Promise<void>;
};

const KEEPALIVE = { intervalMs: 5_000, countMax: 3 };
const BACKOFF_CAP_MS = 30_000;

const NO_PROMPTS = {
  ask: () =>
    Promise.reject(new AppError('auth-failed', msg('The tunnel server asks for a login typed in; store its password or passphrase (Remember) or use a key or ssh-agent for it.'))),
};

/** One SSH connection to the tunnel server, made again on demand after it drops. */
class TunnelLink {
  private current: Promise<Client> | null = null;
  private attempt = 0;
  private closed = false;
  private client: Client | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly tunnel: TeamTunnel,
    private readonly keychain: Keychain,
    private readonly home: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The live connection; while it is down, the next attempt (a failed one is kept until its back-off ends). */
  ready(): Promise<Client> {
    if (this.closed) return Promise.reject(new AppError('ssh', msg('The team tunnel is closed.')));
    if (this.current) return this.current;
    const attempt = this.connect();
    this.current = attempt;
    attempt.then(
      (client) => {
        this.attempt = 0;
        this.client = client;
        client.once('close', () => {
          if (this.current !== attempt) return;
          this.current = null;
          this.client = null;
          if (!this.closed) this.log(`[hostdeck] team tunnel: the SSH connection to ${this.tunnel.name} dropped; reconnecting on the next database connection`);
        });
      },
      (error: unknown) => {
        const wait = Math.min(BACKOFF_CAP_MS, 1000 * 2 ** this.attempt++);
        this.log(`[hostdeck] team tunnel: ${this.tunnel.name}: ${error instanceof Error ? error.message : String(error)}; next try in ${wait / 1000} s`);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (this.current === attempt) this.current = null;
        }, wait);
        timer.unref();
        this.timers.add(timer);
      },
    );
    return attempt;
  }

  private async connect(): Promise<Client> {
    const t = this.tunnel;
    const account = `server:${t.serverId}`;
    const keyPath = 'keyPath' in t.auth ? expandHome(t.auth.keyPath, this.home) : null;
    const auth = authFor({ id: t.serverId, host: t.host, user: t.user, auth: t.auth, displayName: t.name }, keyPath, {
      primary: () => this.keychain.get(account),
      secondPassword: () => this.keychain.get(`${account}:password`),
      rememberPrimary: async () => undefined,
      rememberSecondPassword: async () => undefined,
    }, NO_PROMPTS);
    const { client } = await connect({ target: t, auth, policy: { pin: t.hostKey, knownHosts: [] }, keepalive: KEEPALIVE });
    return client;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.client?.end();
    this.client = null;
    this.current = null;
  }
}

/**
 * The way to the team database: direct (its own host and port), or a local forward over an
 * SSH connection to the tunnel server, to the database's host and port as that server sees them.
 * The first SSH connection is made here, so that a route that cannot work says why at once.
 */
export async function openTeamRoute(database: TeamEndpoint, tunnel: TeamTunnel | null | undefined, keychain: Keychain, home: string, log: (line: string) => void): Promise<TeamRoute> {
  if (!tunnel) return { ...database, via: null, close: async () => undefined };
  const link = new TunnelLink(tunnel, keychain, home, log);
  try {
    await link.ready();
    const forward = await openTunnel(() => link.ready(), { remoteHost: database.host, remotePort: database.port });
    return {
      host: '127.0.0.1',
      port: forward.localPort,
      via: tunnel.name,
      close: async () => {
        await forward.close();
        link.close();
      },
    };
  } catch (error) {
    link.close();
    const e = error instanceof AppError ? error : new AppError('unreachable', error instanceof Error ? error.message : String(error));
    throw AppError.worded(e.code, msg("The team database's tunnel through {{server}} could not be opened: {{reason}}"), { server: tunnel.name, reason: e.message }, e.data ? { data: e.data } : {});
  }
}

/**
 * An inventory server as the team database's tunnel: what connecting to it takes, and the host key
 * it presents now, trusted the way its own connections are (this computer's pin or known_hosts;
 * a fresh connection checks it, and that the login works).
 */
export async function tunnelOf(server: StoredServer, connectFresh: (serverId: string) => Promise<Connected & { close(): void }>): Promise<TeamTunnel> {
  if (server.jumpHostId) {
    throw AppError.worded('invalid-input', msg('{{server}} is reached through a jump host; choose a server this computer reaches directly.'), { server: server.name }, { fields: { tunnelServerId: 'Reached through a jump host' } });
  }
  const fresh = await connectFresh(server.id);
  try {
    const { keyType, key, fingerprint } = fresh.hostKey;
    return TeamTunnel.parse({ serverId: server.id, name: server.name, host: server.host, port: server.port, user: server.user, auth: server.auth, hostKey: { keyType, key, fingerprint } });
  } finally {
    fresh.close();
  }
}
