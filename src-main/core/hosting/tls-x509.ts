// What a certificate says, read with node's own X.509 parser (crypto.X509Certificate and
// createPrivateKey, OpenSSL underneath: maintained with node, no extra dependency): an uploaded
// certificate and key are checked here before anything is queued, and the status read parses
// the certificates found on a server the same way.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError, msg } from '../../../shared/errors';
import type { InstalledCert } from '../../../shared/api/tls';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+?-----END CERTIFICATE-----/g;

/** The reason goes under its field (as the contract's own field errors do); the message is the upload's. */
function refuse(field: string, message: string): never {
  throw new AppError('invalid-input', msg('The certificate or key was refused; nothing was queued.'), { fields: { [field]: message } });
}

/** Each certificate of a PEM chain, in order; null when a block does not parse. */
export function parseChain(pem: string): X509Certificate[] | null {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    return null;
  }
}

/** DNS names of the certificate: its subjectAltName entries, else the subject's CN. */
export function certNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (san) return san.split(', ').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4).toLowerCase());
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}

/** Whether a certificate name covers a host (a wildcard covers exactly one label). */
export function nameCovers(name: string, host: string): boolean {
  if (name === host) return true;
  if (!name.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** The issuer as people name it: its organisation and common name. */
function issuerLabel(cert: X509Certificate): string {
  const field = (k: string) => new RegExp(`(?:^|\\n)${k}=([^\\n]+)`).exec(cert.issuer)?.[1];
  return [field('O'), field('CN')].filter(Boolean).join(' — ') || cert.issuer.replace(/\n/g, ', ');
}

export function describe(cert: X509Certificate): Omit<InstalledCert, 'site' | 'domain'> {
  return {
    names: certNames(cert),
    issuer: issuerLabel(cert),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprint: createHash('sha256').update(cert.raw).digest('hex').match(/../g)!.join(':').toUpperCase(),
    selfIssued: cert.issuer === cert.subject,
  };
}

export type CheckedUpload = { chainPem: string; keyPem: string; cert: Omit<InstalledCert, 'site' | 'domain'> };

/**
 * An uploaded certificate and key, refused with the field and the reason: junk, a key that is
 * encrypted without its passphrase (or with a wrong one), a key that is not the certificate's,
 * dates (expired, not yet valid), names the certificate does not cover, intermediates out of
 * order. The key goes on decrypted, as PKCS#8 (nginx reads no passphrase).
 */
export function checkUpload(input: { chainPem: string; keyPem: string; passphrase?: string; hosts: string[]; now?: Date }): CheckedUpload {
  const chain = parseChain(input.chainPem);
  if (!chain || chain.length === 0) refuse('chainPem', 'The certificate does not parse as X.509 (is it a certificate, complete and unchanged?)');
  const [leaf] = chain as [X509Certificate, ...X509Certificate[]];
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(input.keyPem);
  if (encrypted && !input.passphrase) refuse('passphrase', 'The private key is encrypted: give its passphrase');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: input.keyPem, format: 'pem', ...(encrypted ? { passphrase: input.passphrase } : {}) });
  } catch {
    if (encrypted) refuse('passphrase', 'The passphrase does not decrypt the private key');
    refuse('keyPem', 'The private key does not parse (is it complete and unchanged?)');
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'ed25519') refuse('keyPem', `A ${key.asymmetricKeyType ?? 'unknown'} key is not one nginx serves (use RSA or ECDSA)`);
  if (!leaf.checkPrivateKey(key)) refuse('keyPem', 'This private key does not belong to the certificate (the first certificate of the chain)');
  const now = input.now ?? new Date();
  if (now < new Date(leaf.validFrom)) refuse('chainPem', `The certificate is not valid yet (from ${new Date(leaf.validFrom).toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  if (now > new Date(leaf.validTo)) refuse('chainPem', `The certificate has expired (on ${new Date(leaf.validTo).toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  if (leaf.ca) refuse('chainPem', 'The first certificate is a CA certificate: put the site\'s own certificate first, then its intermediates');
  for (let i = 1; i < chain.length; i++) {
    if (!chain[i - 1]!.checkIssued(chain[i]!)) refuse('chainPem', `Certificate ${i + 1} of the chain did not issue certificate ${i}: the intermediates must follow in order`);
  }
  const names = certNames(leaf);
  const missing = input.hosts.filter((h) => !names.some((n) => nameCovers(n, h)));
  if (missing.length > 0) refuse('chainPem', `The certificate does not cover ${missing.join(', ')} (it names ${names.join(', ') || 'no DNS name'})`);
  return {
    chainPem: `${chain.map((c) => c.toString().trim()).join('\n')}\n`,
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: describe(leaf),
  };
}
