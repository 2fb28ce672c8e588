// What the DNS screens share: the action runner (components/use-action), a field with its error
// under it, and the examples shown per record type.
import type { RecordType } from '../../shared/dns';
import { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';

export { Field } from '../components/Field';
export { asError, useAction } from '../components/use-action';

/** With field errors the fields say it; otherwise the whole note. */
export function ActionError({ error, fieldsShown }: { error: AppError | null; fieldsShown: string[] }) {
  if (!error) return null;
  const shown = Object.keys(error.fields ?? {}).some((k) => fieldsShown.includes(k));
  if (shown) return <p className="field-error" role="alert">{error.message}</p>;
  return <ErrorNote error={error} />;
}

export const EXAMPLES: Record<RecordType, string> = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  CNAME: 'www.example.com.',
  MX: '10 mail.example.com.',
  TXT: 'v=spf1 mx -all',
  NS: 'ns1.example.com.',
  SRV: '10 5 5060 sip.example.com.',
  CAA: '0 issue "letsencrypt.org"',
  PTR: 'host.example.com.',
};

/** A TTL typed as text: a whole number, or NaN (the contract then says what is wrong). */
export function ttlOf(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}
