// acme-client, loaded on first use. With its HTTP client and X.509 library it adds about 30 MB
// to a core's resident memory, and most sessions never issue a certificate.
import type * as AcmeClient from 'acme-client';

export type AcmeLib = typeof AcmeClient;

let loading: Promise<AcmeLib> | null = null;

export function acmeLib(): Promise<AcmeLib> {
  return (loading ??= import('acme-client'));
}
