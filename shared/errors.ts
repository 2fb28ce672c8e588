// Typed errors: every failure the UI can see has a code, one sentence, optional field errors
// and optional details (never a stack trace, never a secret).
import { z } from 'zod';

export const ERROR_CODES = [
  'invalid-input',
  'not-found',
  'conflict',
  'host-key-unknown',
  'host-key-changed',
  'host-key-revoked',
  'auth-failed',
  'key-file',
  'passphrase',
  'dns',
  'refused',
  'unreachable',
  'timeout',
  'ssh',
  'keychain',
  'unknown-method',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Field path (e.g. "port", "auth.keyPath") -> message. */
  fields: z.record(z.string(), z.string()).optional(),
  details: z.string().optional(),
  /** Structured data for the UI, e.g. both fingerprints for a changed host key. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorShape>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;
  readonly details: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, extra: Omit<AppErrorShape, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = extra.fields;
    this.details = extra.details;
    this.data = extra.data;
  }

  toShape(): AppErrorShape {
    const shape: AppErrorShape = { code: this.code, message: this.message };
    if (this.fields) shape.fields = this.fields;
    if (this.details) shape.details = this.details;
    if (this.data) shape.data = this.data;
    return shape;
  }

  static from(shape: AppErrorShape): AppError {
    return new AppError(shape.code, shape.message, shape);
  }
}

/** Turns zod issues into one message per field path, first issue wins. */
export function fieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    fields[key] ??= issue.message;
  }
  return fields;
}
