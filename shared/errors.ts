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

/** A message as a translation key (its English template) and the values it was filled with. */
export const SaidShape = z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) });

export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Field path (e.g. "port", "auth.keyPath") -> message. */
  fields: z.record(z.string(), z.string()).optional(),
  details: z.string().optional(),
  /** Structured data for the UI, e.g. both fingerprints for a changed host key. */
  data: z.record(z.string(), z.unknown()).optional(),
  /** The message as a translation key (its English template) and the values it was filled with. */
  said: SaidShape.optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorShape>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;
  readonly details: string | undefined;
  readonly data: Record<string, unknown> | undefined;
  readonly said: Said | undefined;

  constructor(code: ErrorCode, message: string, extra: Omit<AppErrorShape, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = extra.fields;
    this.details = extra.details;
    this.data = extra.data;
    this.said = extra.said;
  }

  /** An error whose message is an English template the UI can show in its own language. */
  static worded(code: ErrorCode, key: string, params: Said['params'] = {}, extra: Omit<AppErrorShape, 'code' | 'message' | 'said'> = {}): AppError {
    return new AppError(code, fill(key, params), { ...extra, said: { key, params } });
  }

  toShape(): AppErrorShape {
    const shape: AppErrorShape = { code: this.code, message: this.message };
    if (this.fields) shape.fields = this.fields;
    if (this.details) shape.details = this.details;
    if (this.data) shape.data = this.data;
    if (this.said) shape.said = this.said;
    return shape;
  }

  static from(shape: AppErrorShape): AppError {
    return new AppError(shape.code, shape.message, shape);
  }
}

export type Said = z.infer<typeof SaidShape>;

/** Marks an English template as a translation key where it is written (the renderer's ru.json has its Russian). */
export const msg = <S extends string>(key: S): S => key;

/** A text as its template (marked msg() where it is written) and the values that fill it. */
export const said = (key: string, params: Said['params'] = {}): Said => ({ key, params });

/** A template's {{name}} (or {{name, format}}) filled with its value. */
export function fill(template: string, params: Said['params']): string {
  return template.replace(/\{\{\s*(\w+)\s*(?:,[^}]*)?\}\}/g, (_, name: string) => String(params[name] ?? ''));
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
