// Before anything is asked of the CA: does each name reach this server? A typo or a name whose
// DNS points elsewhere would fail validation and count against the CA's rate limits. HTTP-01:
// the name is resolved (at the resolver of the ACME settings, else the workstation's) and must
// lead to this server — an address of its SSH host, or an answer of the stateless challenge
// location (`<random>.<thumbprint>`) at the address it resolves to. DNS-01: a Hostdeck zone
// must hold the name (its nameservers are where the TXT record goes).
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import * as http from 'node:http';
import { isIP } from 'node:net';
import { baseName, isWildcard, type Challenge } from '../../../shared/acme';
import type { NameCheck } from '../../../shared/api/acme';
import { zoneOf } from './dns01';

export type NameCheckContext = {
  challenge: Challenge;
  /** ACME settings' resolver (`ip` or `ip:port`), '' for the workstation's. */
  resolver: string;
  /** The server's SSH host (an address or a name). */
  serverHost: string;
  /** The port the server's nginx serves plain HTTP on (the web settings' listen). */
  httpPort: number;
  thumbprint: string;
  /** Hostdeck's zones and, per zone, whether a nameserver of it is this very server. */
  zones: string[];
  nameserverIsThisServer: boolean;
  hasNameservers: boolean;
};

function resolverFor(address: string): Resolver {
  const r = new Resolver({ timeout: 1500, tries: 2 });
  if (address) r.setServers([address]);
  return r;
}

async function addresses(r: Resolver, name: string): Promise<{ found: string[]; detail: string }> {
  const [v4, v6] = await Promise.allSettled([r.resolve4(name), r.resolve6(name)]);
  const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  const reason = [v4, v6].find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason as { code?: string } | undefined;
  return { found, detail: reason?.code ?? 'no address' };
}

/** GET the challenge path of `name` at `address` for `token`: the answer, or null when no HTTP answer came. */
function challengeAnswer(address: string, port: number, name: string, token: string): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: address, port, path: `/.well-known/acme-challenge/${token}`, headers: { host: name }, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d.slice(0, 200)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

const correct = (a: { status: number; body: string } | null, keyAuthorization: string) => a?.status === 200 && a.body === keyAuthorization;

/** A random token's stateless answer from `address`. */
async function probe(address: string, port: number, name: string, thumbprint: string): Promise<boolean> {
  const token = randomBytes(16).toString('base64url');
  return correct(await challengeAnswer(address, port, name, token), `${token}.${thumbprint}`);
}

/** How long a wrong challenge answer is asked again before it stops an order (a reload in flight). */
const ANSWER_SETTLE_MS = 5_000;

/**
 * Before the CA is told a challenge is ready: does the name answer the key authorization where it
 * resolves? A wrong answer (another account's snippet, a suspended site, a server block without
 * the include) would fail the validation, and CAs limit failed validations per name. Only an
 * answer that is wrong stops it: where this computer gets no HTTP answer at all (a firewall, an
 * address only the outside reaches) the CA may still get one.
 */
export async function answersChallenge(name: string, resolver: string, port: number, token: string, keyAuthorization: string, settleMs = ANSWER_SETTLE_MS): Promise<{ ok: boolean; detail: string }> {
  const { found, detail } = await addresses(resolverFor(resolver), name);
  if (found.length === 0) return { ok: false, detail: `${name} does not resolve (${detail})` };
  // nginx applies a reload a moment after it is signalled, and the answer task just before this
  // one may have reloaded it: a wrong answer is asked again for a few seconds before it counts.
  const deadline = Date.now() + settleMs;
  let answers = await Promise.all(found.map((a) => challengeAnswer(a, port, name, token)));
  while (!answers.some((a) => correct(a, keyAuthorization)) && !answers.every((a) => a === null) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    answers = await Promise.all(found.map((a) => challengeAnswer(a, port, name, token)));
  }
  if (answers.some((a) => correct(a, keyAuthorization)) || answers.every((a) => a === null)) return { ok: true, detail: '' };
  const got = answers.find((a) => a !== null)!;
  const what = got.status !== 200 ? `HTTP ${got.status}` : got.body.startsWith(`${token}.`) ? "another account's key authorization (another Hostdeck wrote the server's ACME answer since?)" : 'something else';
  return { ok: false, detail: `${name} (${found.join(', ')}:${port}) does not answer the challenge with this account's key authorization: it answers ${what}` };
}

export async function checkNames(names: string[], ctx: NameCheckContext): Promise<NameCheck[]> {
  const r = resolverFor(ctx.resolver);
  const serverAddresses = isIP(ctx.serverHost) ? [ctx.serverHost] : (await addresses(new Resolver(), ctx.serverHost)).found;
  return Promise.all(
    names.map(async (name): Promise<NameCheck> => {
      if (ctx.challenge === 'dns-01') {
        const zone = zoneOf(ctx.zones, baseName(name));
        if (!zone) return { name, ok: false, addresses: [], detail: `No DNS zone in Hostdeck holds ${baseName(name)}: DNS-01 needs its zone here (DNS zones).` };
        if (!ctx.hasNameservers) return { name, ok: false, addresses: [], detail: 'No server has the ns role: the zone cannot be pushed.' };
        if (ctx.nameserverIsThisServer) return { name, ok: false, addresses: [], detail: 'This server is also a nameserver in the inventory: its queue would wait on its own DNS push. Use HTTP-01.' };
        return { name, ok: true, addresses: [], detail: `Zone ${zone} is held by Hostdeck: the TXT record goes to its nameservers.` };
      }
      if (isWildcard(name)) return { name, ok: false, addresses: [], detail: 'A wildcard name needs DNS-01.' };
      const { found, detail } = await addresses(r, name);
      if (found.length === 0) return { name, ok: false, addresses: [], detail: `Does not resolve (${detail}${ctx.resolver ? ` at ${ctx.resolver}` : ''}).` };
      const here = found.filter((a) => serverAddresses.includes(a));
      const answered = (await Promise.all(found.map((a) => probe(a, ctx.httpPort, name, ctx.thumbprint)))).some(Boolean);
      if (answered) return { name, ok: true, addresses: found, detail: `Resolves to ${found.join(', ')}; this server answered the challenge path.` };
      if (here.length > 0) return { name, ok: true, addresses: found, detail: `Resolves to ${found.join(', ')} (this server); the challenge answer is installed before the order.` };
      return { name, ok: false, addresses: found, detail: `Resolves to ${found.join(', ')}, not to this server (${serverAddresses.join(', ') || ctx.serverHost}), and no challenge answer came from there.` };
    }),
  );
}
