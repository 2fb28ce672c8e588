// Messages from the core in the UI's language. An error the core words from a template (shared
// errors' AppError.worded: its key and values) is worded again here; any other message or field
// error is looked up as it is, so the validation messages a user meets most (listed below, as the
// contract's zod schemas write them) read in Russian too. Anything else stays as the core wrote it
// (a remote program's output is never translated).
import { AppError, type AppErrorShape, type Said } from '../../shared/errors';
import { i18n, msg } from './index';

/** The contract's most frequent field errors (server, site, FTP, database and domain forms). */
export const VALIDATION_MESSAGES = [
  msg('Name is required'),
  msg('Name may use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit'),
  msg('Host is required'),
  msg('Host must be a host name or an IP address'),
  msg('Port must be a number'),
  msg('Port must be a whole number'),
  msg('Port must be between 1 and 65535'),
  msg('User is required'),
  msg('User must be a valid login name (letters, digits, _ . -)'),
  msg('Key file is required for key authentication'),
  msg('Key file must be an absolute path or start with ~/'),
  msg('Tags may use letters, digits, _ and - (at most 32 characters each)'),
  msg('Tags must not repeat'),
  msg('Roles must not repeat'),
  msg('Choose a jump host from the inventory'),
  msg('Site name is too short (at least 2 characters)'),
  msg('Site name may use lowercase letters a-z, digits, _ and -, and must start with a letter'),
  msg('Quota must be a number'),
  msg('Quota must be a whole number of MB'),
  msg('FTP user is too short (at least 2 characters)'),
  msg('FTP user may use lowercase letters a-z, digits, _ and -, and must start with a letter'),
  msg('Password is required'),
  msg('Password must not contain control characters (line breaks, tabs, NUL)'),
  msg('Database name may use lowercase letters a-z, digits and _, and must start with a letter'),
  msg('Database user may use lowercase letters a-z, digits and _, and must start with a letter'),
  msg('Domain is required'),
  msg('Domain must not contain spaces'),
  msg('Domain must be plain ASCII: use the punycode form (xn--…)'),
  msg('Domain may use only letters a-z, digits, - and dots'),
  msg('Domain must not have empty parts (no leading, trailing or double dots)'),
  msg('Domain must have at least two parts (like example.com)'),
  msg('User name is required'),
];

/** A message the UI has words for, in its language; else as it is. */
export function coreText(text: string): string {
  return i18n.exists(text) ? i18n.t(text) : text;
}

/** A line the core sends as its template and values, in the UI's language (as the core filled it where there are no words). */
export function saidText(said: Said): string {
  return i18n.t(said.key, said.params);
}

/** The core's error as the UI shows it: its message and field errors in the UI's language. */
export function localError(shape: AppErrorShape): AppError {
  const message = shape.said ? saidText(shape.said) : coreText(shape.message);
  const fields = shape.fields && Object.fromEntries(Object.entries(shape.fields).map(([k, v]) => [k, coreText(v)]));
  return new AppError(shape.code, message, { ...shape, ...(fields ? { fields } : {}) });
}
