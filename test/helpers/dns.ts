// For the DNS tests: a core with the two test nameservers (ns1, ns2) in its inventory — both
// reached over web1's sshd as root (web1 is this machine), each with DNS settings pointing to
// its BIND instance's directory, included zones config, rndc config and port — and answers
// asked with node's own resolver (independent of the code under test).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import type { Server } from '../../shared/domain';
import type { NsSettings, Soa } from '../../shared/dns';
import { loadTestbed } from '../../testbed/testbed';
import type { NsName } from '../../testbed/named';
import type { TestCore } from './core';
import { registerSecret } from './secrets';

export function nsSettings(name: NsName): NsSettings {
  const ns = loadTestbed().ns[name];
  return { zoneDir: ns.dir, zonesConf: ns.zonesConf, namedConf: `${ns.dir}/named.conf`, rndcConf: ns.rndcConfFile, queryHost: ns.host, queryPort: ns.port };
}

/**
 * named's session keys as they are now (named makes a new one at every start): the core reads
 * them into memory to sign its dynamic updates, so the final scan looks for them.
 */
export function registerSessionKeys(): void {
  for (const name of ['ns1', 'ns2'] as const) {
    const text = readFileSync(`${loadTestbed().ns[name].dir}/session.key`, 'utf8');
    const secret = /secret "([^"]+)"/.exec(text)?.[1];
    if (secret) registerSecret(`named ${name} session key`, secret);
  }
}

/** Adds ns1 and ns2 (role ns, over web1's sshd as root) with their DNS settings. */
export async function addNameservers(t: Pick<TestCore, 'call'>): Promise<Record<NsName, Server>> {
  registerSessionKeys();
  const tb = loadTestbed();
  const out = {} as Record<NsName, Server>;
  for (const name of ['ns1', 'ns2'] as const) {
    out[name] = await t.call<Server>('servers.add', { name, host: tb.ssh.web1.host, port: tb.ssh.web1.port, user: 'root', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['ns'], tags: ['dns'] });
    await t.call('dns.setSettings', { serverId: out[name].id, settings: nsSettings(name) });
  }
  return out;
}

export function uniqueZone(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}.test`;
}

export const SOA: Soa = { primary: 'ns1.example.test.', email: 'hostmaster@example.test', refresh: 3600, retry: 600, expire: 86400, minimum: 300 };

export function resolver(name: NsName): Resolver {
  const ns = loadTestbed().ns[name];
  const r = new Resolver({ timeout: 1000, tries: 2 });
  r.setServers([`${ns.host}:${ns.port}`]);
  return r;
}
