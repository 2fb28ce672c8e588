// Typed calls for the database browser. The browse methods (dbBrowseApi) are called through the
// contract client by name; their types come straight from shared/api/db.ts.
import type { z } from 'zod';
import type { dbBrowseApi, dbTreeApi } from '../../shared/api/db';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';

type Both = typeof dbTreeApi & typeof dbBrowseApi;
export type DbMethod = keyof Both;
export type DbIn<M extends DbMethod> = z.input<Both[M]['input']>;
export type DbOut<M extends DbMethod> = z.output<Both[M]['output']>;

const untyped = client.call.bind(client) as unknown as (method: string, input: unknown) => Promise<unknown>;

export function dbCall<M extends DbMethod>(method: M, input: DbIn<M>): Promise<DbOut<M>> {
  return untyped(method, input) as Promise<DbOut<M>>;
}

export function asAppError(e: unknown, fallback: string): AppError {
  return e instanceof AppError ? e : new AppError('internal', fallback, { details: e instanceof Error ? e.message : String(e) });
}
