// HTTPS's part of the contract: what certificates a server has installed (read from the server:
// it is the truth, not the records), an own certificate uploaded for a bound domain (checked
// before anything is queued; the key held for its task only), the domain's HTTPS options,
// renewal now, and HTTPS removed (confirmed). Certificates ordered through ACME: see acme.ts.
import { z } from 'zod';
import { ServerId } from '../domain';
import { Domain, SiteName } from '../hosting';
import { Task } from '../queue';
import { ChainPem, KeyPassphrase, KeyPem, TlsOptions } from '../tls';

/** A certificate installed on the server for a bound domain of a site. */
export const InstalledCert = z.object({
  site: z.string(),
  domain: z.string(),
  /** DNS names it covers (subjectAltName). */
  names: z.array(z.string()),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** SHA-256 of the certificate, colon-separated hex. */
  fingerprint: z.string(),
  selfIssued: z.boolean(),
});
export type InstalledCert = z.infer<typeof InstalledCert>;

const Target = { serverId: ServerId, site: SiteName, domain: Domain };

export const TlsUpload = z
  .object({ ...Target, chainPem: ChainPem, keyPem: KeyPem, passphrase: KeyPassphrase.optional() })
  .extend(TlsOptions.shape)
  .strict();
export type TlsUpload = z.input<typeof TlsUpload>;

/** An HTTPS change of a domain, for a preview of its tasks (an upload's key is not needed to show them). */
export const TlsChange = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upload'), chainPem: ChainPem }).extend(TlsOptions.shape).strict(),
  z.object({ op: z.literal('options') }).extend(TlsOptions.shape).strict(),
  z.object({ op: z.literal('remove') }).strict(),
]);
export type TlsChange = z.infer<typeof TlsChange>;

/** Whole days from `now` until `notAfter` (negative once expired). */
export function daysLeft(notAfter: string, now = new Date()): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / 86_400_000);
}

export const tlsApi = {
  /** The certificates installed on the server (one read), with when they were read. */
  'tls.status': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.object({ certs: z.array(InstalledCert), readAt: z.string(), problems: z.array(z.string()) }),
  },
  /** The tasks an HTTPS change would queue (titles and exact commands, the key masked); nothing is recorded or queued. */
  'tls.preview': {
    input: z.object(Target).extend({ change: TlsChange }).strict(),
    output: z.object({ tasks: z.array(z.object({ kind: z.string(), title: z.string(), commands: z.array(z.string()) })) }),
  },
  /** Checks an own certificate and key for a bound domain (names, dates, key match) and queues its install; the key is held for that task only. */
  'tls.upload': {
    input: TlsUpload,
    output: z.object({ tasks: z.array(Task), cert: InstalledCert }),
  },
  /** Redirect and HSTS of a domain that has a certificate: its server block written again. */
  'tls.setOptions': {
    input: z.object(Target).extend(TlsOptions.shape).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Queues the renewal of an ACME certificate now (an uploaded one cannot be renewed by Hostdeck: upload a new one). */
  'tls.renew': {
    input: z.object(Target).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Plain HTTP only again: the server block without HTTPS, certificate and key removed. `confirm` must repeat the domain. */
  'tls.remove': {
    input: z.object(Target).extend({ confirm: z.string().max(300) }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
} as const;
