// acme-client, loaded on first use. With its HTTP client and X.509 library it added about 9 MB
// to a running core's resident memory (the export-1m bench's core: 154 against 145 MB), and most
// sessions never issue a certificate.
import type * as AcmeClient from 'acme-client';

export type AcmeLib = typeof AcmeClient;

let loading: Promise<AcmeLib> | null = null;

export function acmeLib(): Promise<AcmeLib> {
  return (loading ??= import('acme-client'));
}
