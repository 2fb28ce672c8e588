// Validation of what HTTPS takes in: PEM text of a certificate chain and of a private key, and
// the per-domain options. Only the shape is checked here (PEM armour, base64 body, size); what
// the certificate says (names, dates, that the key matches) is checked in the core with an X.509
// parser (src-main/core/tls/x509.ts) before anything is queued.
import { z } from 'zod';

/** A chain of up to a handful of certificates; a 4096-bit RSA leaf is about 2 KiB of PEM. */
export const PEM_MAX = 64 * 1024;

const BLOCK = (label: string) => `-----BEGIN ${label}-----\\n(?:[A-Za-z0-9+/=]{1,76}\\n)+-----END ${label}-----`;
const CHAIN = new RegExp(`^(?:${BLOCK('CERTIFICATE')}\\n)+$`);
const KEY = new RegExp(`^(?:${BLOCK('PRIVATE KEY')}|${BLOCK('RSA PRIVATE KEY')}|${BLOCK('EC PRIVATE KEY')}|${BLOCK('ENCRYPTED PRIVATE KEY')})\\n$`);
const RSA_ENCRYPTED = /^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: [A-Z0-9-]+,[0-9A-F]+\n\n(?:[A-Za-z0-9+/=]{1,76}\n)+-----END RSA PRIVATE KEY-----\n$/;

/** PEM as pasted or read from a file: CRLF and surrounding blank space do not matter. */
export function normalizePem(text: string): string {
  return `${text.replace(/\r\n?/g, '\n').trim()}\n`;
}

function pemField(label: string, pattern: (v: string) => boolean, hint: string) {
  return z
    .string({ error: `${label} is required` })
    .max(PEM_MAX, `${label} is too long (at most ${PEM_MAX / 1024} KiB of PEM)`)
    .superRefine((raw, ctx) => {
      if (raw.trim().length === 0) ctx.addIssue({ code: 'custom', message: `${label} is required` });
      else if (raw.includes('\u0000')) ctx.addIssue({ code: 'custom', message: `${label} must not contain NUL characters` });
      else if (!pattern(normalizePem(raw))) ctx.addIssue({ code: 'custom', message: hint });
    })
    .transform(normalizePem);
}

/** The certificate and the intermediates after it (leaf first), PEM. */
export const ChainPem = pemField('Certificate', (v) => CHAIN.test(v), 'Not a PEM certificate: paste the text that starts with -----BEGIN CERTIFICATE----- (the certificate first, then its intermediates)');

/** The certificate's private key, PEM (PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted ones need the passphrase). */
export const KeyPem = pemField('Private key', (v) => KEY.test(v) || RSA_ENCRYPTED.test(v), 'Not a PEM private key: paste the text that starts with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)');

/** The passphrase of an encrypted key (used in memory to decrypt it; never stored). */
export const KeyPassphrase = z.string().max(1024, 'Passphrase is too long').refine((v) => !v.includes('\u0000'), 'Passphrase must not contain NUL characters');

/** Where a domain's certificate came from: ordered through ACME (renewed by itself) or uploaded. */
export const TlsSource = z.enum(['acme', 'uploaded']);
export type TlsSource = z.infer<typeof TlsSource>;

/** How a domain answers once it has a certificate. */
export const TlsOptions = z
  .object({
    /** Plain HTTP answers with a redirect to HTTPS (the ACME challenge path keeps answering over HTTP). */
    redirect: z.boolean(),
    /** HTTPS answers carry Strict-Transport-Security (browsers then refuse plain HTTP for the name). */
    hsts: z.boolean(),
  })
  .strict();
export type TlsOptions = z.infer<typeof TlsOptions>;
export const DEFAULT_TLS_OPTIONS: TlsOptions = { redirect: true, hsts: false };

/** Days before expiry from which a certificate is shown as a warning. */
export const EXPIRY_WARNING_DAYS = 21;
/** Days before expiry at which an ACME certificate is queued for renewal. */
export const RENEW_BEFORE_DAYS = 30;

/** A bound domain that has a certificate (the server holds the certificate itself; see tls.status). */
export const SiteTls = TlsOptions.extend({
  domain: z.string(),
  source: TlsSource,
}).strict();
export type SiteTls = z.infer<typeof SiteTls>;
