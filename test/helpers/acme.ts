// For the ACME tests: a keychain that registers every secret the app stores in it (the ACME
// account key and each certificate's key are made inside the app) for the final scan; ACME
// settings pointing at the testbed's pebble and ns1; a zone of the test's names at both
// nameservers (A records to web1); an HTTPS GET through the testbed nginx's TLS port trusting
// pebble's issuing root.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AcmeSettings } from '../../shared/acme';
import type { DnsRecord } from '../../shared/dns';
import { openKeychain, type Keychain } from '../../src-main/core/secrets/keychain';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';
import type { TestCore } from './core';
import { addNameservers, SOA } from './dns';
import { settleQueue } from './hosting';
import { registerSecret } from './secrets';

export async function registeringKeychain(): Promise<Keychain> {
  const inner = await openKeychain();
  return { ...inner, kind: inner.kind, note: inner.note, set: async (account, secret) => { registerSecret(`keychain ${account}`, secret); await inner.set(account, secret); } };
}

export function pebbleSettings(tb: TestbedInfo = loadTestbed()): AcmeSettings {
  return { directoryUrl: tb.pebble.directoryUrl, email: 'hostmaster@example.test', caRootPem: readFileSync(tb.pebble.apiCaFile, 'utf8'), resolver: tb.pebble.dnsServer };
}

/** A zone with A records (to web1's address) for `owners`, pushed to ns1 and ns2; returns the nameservers. */
export async function zoneWithNames(t: Pick<TestCore, 'call'>, zone: string, owners: string[]): Promise<Record<'ns1' | 'ns2', { id: string }>> {
  const ns = await addNameservers(t);
  await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
  for (const name of owners) await t.call('dns.putRecord', { zone, record: { name, type: 'A', ttl: 60, value: loadTestbed().ssh.web1.host } satisfies DnsRecord });
  await t.call('dns.push', { zones: [zone] });
  for (const s of Object.values(ns)) await settleQueue(t, s.id, 40_000);
  return ns;
}

/** The issuing root pebble has now (new at each pebble start). */
export function pebbleRoot(): string {
  return readFileSync(loadTestbed().pebble.issuingRootFile, 'utf8');
}

/** GET / over HTTPS from the testbed nginx's TLS port, for `name` (SNI and Host), trusting only pebble's root. */
export function httpsGet(name: string): Promise<{ status: number; body: string; altNames: string }> {
  const { nginx } = loadTestbed();
  return new Promise((resolve, reject) => {
    const req = https.get({ host: nginx.host, port: nginx.tlsPort, servername: name, path: '/', headers: { Host: name }, ca: pebbleRoot(), agent: false }, (res) => {
      const altNames = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '';
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, altNames }));
    });
    req.on('error', reject);
  });
}
