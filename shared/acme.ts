// Validation of what ACME ordering takes in: the CA's directory URL (https only), the contact
// address, the root of a private CA (PEM), the resolver names are checked with, and the names a
// certificate covers (a bound domain or alias, or a wildcard `*.<name>`).
import { z } from 'zod';
import { Domain } from './hosting';
import { IPV4 } from './validation';

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETS_ENCRYPT_STAGING_DIRECTORY = 'https://acme-staging-v02.api.letsencrypt.org/directory';

/** https://host[:port][/path]: no credentials, query, fragment, spaces or quotes. */
const HTTPS_URL = /^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/;

export const DirectoryUrl = z
  .string({ error: 'Directory URL is required' })
  .max(2048, 'Directory URL is too long')
  .refine((v) => HTTPS_URL.test(v), 'An https:// URL of the ACME directory (e.g. https://acme-v02.api.letsencrypt.org/directory)');

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const ContactEmail = z.string().max(254, 'Email is too long').refine((v) => v === '' || EMAIL.test(v), 'An email address (name@example.com), or empty');

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{1,76}\n)+-----END CERTIFICATE-----\n/g;
/** PEM certificates (a private CA's root the workstation trusts for the CA's own API). */
export const CaRootPem = z
  .string()
  .max(64 * 1024, 'At most 64 KiB of PEM')
  .transform((v) => (v.trim() === '' ? '' : `${v.replace(/\r\n?/g, '\n').trim()}\n`))
  .refine((v) => v === '' || v.replace(CERT_BLOCK, '') === '', 'PEM certificates only: text starting with -----BEGIN CERTIFICATE-----, or empty');

/** A DNS server as `address` or `address:port` (IPv4); empty: the workstation's own resolver. */
export const ResolverAddress = z
  .string()
  .max(21)
  .refine((v) => {
    if (v === '') return true;
    const [host, port, ...rest] = v.split(':');
    return rest.length === 0 && IPV4.test(host ?? '') && (port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535));
  }, 'An IPv4 address with an optional port (192.0.2.53 or 127.0.0.1:5301), or empty');

export const AcmeSettings = z
  .object({
    directoryUrl: DirectoryUrl,
    email: ContactEmail,
    /** Trusted besides the system roots when talking to the directory (a private CA). */
    caRootPem: CaRootPem,
    /** Where names are resolved before ordering. */
    resolver: ResolverAddress,
  })
  .strict();
export type AcmeSettings = z.infer<typeof AcmeSettings>;
export const DEFAULT_ACME_SETTINGS: AcmeSettings = { directoryUrl: LETS_ENCRYPT_DIRECTORY, email: '', caRootPem: '', resolver: '' };

export const Challenge = z.enum(['http-01', 'dns-01']);
export type Challenge = z.infer<typeof Challenge>;

/** A name a certificate covers: a domain, or `*.` and a domain (wildcards need DNS-01). */
export const CertName = z
  .string({ error: 'Name is required' })
  .max(255)
  .transform((v) => v.toLowerCase())
  .superRefine((v, ctx) => {
    const base = v.startsWith('*.') ? v.slice(2) : v;
    const parsed = Domain.safeParse(base);
    if (!parsed.success) ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'Not a domain name' });
  });

export function isWildcard(name: string): boolean {
  return name.startsWith('*.');
}

/** The name whose DNS answers for it: the wildcard's base. */
export function baseName(name: string): string {
  return isWildcard(name) ? name.slice(2) : name;
}
