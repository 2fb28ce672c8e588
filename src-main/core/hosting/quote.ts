// Quoting for the places where a hosting value reaches an SQL statement (shell: ssh/sh-quote.ts).
// Values were validated by the contract (shared/hosting.ts); assertSafe re-validates them with
// the same schema right before use, and quoting makes even a value that slipped through inert.
// Passwords are never refused here for punctuation: they are quoted.
import mysql from 'mysql2';
import type { z } from 'zod';
import { AppError, fieldErrors, msg } from '../../../shared/errors';

/**
 * An SQL string literal (mysql2's escape): 'it''s' style quoting with backslash escapes.
 * Assumes the server's default sql_mode (no NO_BACKSLASH_ESCAPES), as mysql2 itself does.
 */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new AppError('invalid-input', msg('Only text can be quoted for SQL'));
  return mysql.escape(value);
}

/**
 * An SQL identifier (mysql2's escapeId) in backticks. Dots are kept as part of the one name
 * (forbidQualified), so `a.b` can never turn into database `a`, table `b`.
 */
export function sqlIdent(value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new AppError('invalid-input', msg('An SQL name must be non-empty text'));
  if (value.includes('\u0000')) throw new AppError('invalid-input', msg('An SQL name must not contain a NUL character'));
  return mysql.escapeId(value, true);
}

/**
 * Re-validates a value with the contract's schema right before it reaches a shell or SQL and
 * returns the parsed value; throws AppError 'invalid-input' with the field's message otherwise.
 * `field` names the value in the error's fields (e.g. "name", "aliases").
 */
export function assertSafe<S extends z.ZodType>(schema: S, value: unknown, field = '_'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(fieldErrors(result.error.issues))) {
    const path = key === '_' ? field : field === '_' ? key : `${field}.${key}`;
    fields[path] ??= message;
  }
  const first = Object.values(fields)[0] ?? 'Invalid value';
  return failure(first, fields);
}

function failure(message: string, fields: Record<string, string>): never {
  throw new AppError('invalid-input', message, { fields });
}
