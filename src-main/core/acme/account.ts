// The ACME account: one key per CA directory URL, made on first use and kept in the OS keychain
// only (account `acme-account:<url>`), never on disk or in a task's parameters. The client talks
// to the directory with the system roots plus the private CA's root from the settings.
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { createHash, createPublicKey } from 'node:crypto';
import type * as acme from 'acme-client';
import type { AcmeSettings } from '../../../shared/acme';
import { AppError, msg } from '../../../shared/errors';
import type { Keychain } from '../secrets/keychain';
import { acmeLib, type AcmeLib } from './client-lib';

const PREFIX = 'acme-account:';

export class AcmeAccounts {
  /** One key creation per URL at a time (two issues queued at once must not make two accounts). */
  private readonly making = new Map<string, Promise<string>>();

  constructor(private readonly keychain: Keychain) {}

  /** The account key's PEM for the directory, made and stored when there is none. */
  key(directoryUrl: string): Promise<string> {
    const pending = this.making.get(directoryUrl);
    if (pending) return pending;
    const made = (async () => {
      try {
        const held = await this.keychain.get(PREFIX + directoryUrl);
        if (held) return held;
        const pem = (await (await acmeLib()).crypto.createPrivateEcdsaKey('P-256')).toString();
        await this.keychain.set(PREFIX + directoryUrl, pem);
        return pem;
      } catch (error) {
        throw AppError.worded('internal', msg('The ACME account key could not be read from or kept in the keychain: {{reason}}'), { reason: error instanceof Error ? error.message : String(error) });
      }
    })().finally(() => this.making.delete(directoryUrl));
    this.making.set(directoryUrl, made);
    return made;
  }

  /** The RFC 7638 thumbprint of the account key: the second half of every HTTP-01 answer. */
  async thumbprint(directoryUrl: string): Promise<string> {
    return thumbprintOf(await this.key(directoryUrl));
  }

  /**
   * A client registered with the CA (terms agreed; an existing account is found again by its
   * key), kept for the next order with the same settings and key: the directory and the account
   * are asked once, not per certificate.
   */
  async client(settings: AcmeSettings): Promise<acme.Client> {
    const lib = await acmeLib();
    trustRoots(lib, settings.caRootPem);
    const accountKey = await this.key(settings.directoryUrl);
    const id = JSON.stringify([settings.directoryUrl, settings.email, settings.caRootPem, thumbprintOf(accountKey)]);
    const kept = this.clients.get(id);
    if (kept) return kept;
    const made = (async () => {
      const client = new lib.Client({ directoryUrl: settings.directoryUrl, accountKey, backoffAttempts: 12, backoffMin: 500, backoffMax: 5000 });
      await client.createAccount({ termsOfServiceAgreed: true, ...(settings.email ? { contact: [`mailto:${settings.email}`] } : {}) });
      return client;
    })();
    this.clients.set(id, made);
    made.catch(() => this.clients.delete(id));
    return made;
  }

  private readonly clients = new Map<string, Promise<acme.Client>>();
}

/** RFC 7638: SHA-256 of the public JWK's members in lexicographic order (as acme-client signs with). */
export function thumbprintOf(accountKeyPem: string): string {
  const jwk = createPublicKey(accountKeyPem).export({ format: 'jwk' }) as Record<string, unknown>;
  const sorted = Object.fromEntries(Object.keys(jwk).sort().map((k) => [k, jwk[k]]));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url');
}

let trusted: string | null = null;

/**
 * acme-client has one HTTP client for the process: the private root (if any) is trusted beside the
 * system's. Connections are kept alive: an order is about ten requests to the same CA, and a new
 * TLS connection each cost 17 ms against 5 ms reused (idle sockets are unref'd: they never keep
 * the process up).
 */
function trustRoots(lib: AcmeLib, caRootPem: string): void {
  if (trusted === caRootPem) return;
  lib.axios.defaults.httpsAgent?.destroy?.();
  lib.axios.defaults.httpsAgent = new https.Agent({ ca: caRootPem ? [...rootCertificates, caRootPem] : [...rootCertificates], keepAlive: true });
  trusted = caRootPem;
}
