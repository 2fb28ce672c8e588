// The core: one dispatcher `call(method, input)` plus event streams. Every input is
// validated against the contract before any work; every failure leaves as a typed error.
import os from 'node:os';
import { mkdirSync } from 'node:fs';
import { api, isMethod, type Api, type Method, type Output } from '../../shared/api';
import { AppError, fieldErrors, type AppErrorShape } from '../../shared/errors';
import type { z } from 'zod';
import { EventHub, type EventListener } from './events';
import { Inventory } from './inventory/service';
import { openLocalStore } from './inventory/store';
import { candidatesFrom, defaultSshConfigPath, readSshConfig } from './inventory/ssh-config-import';
import { openKeychain, type Keychain } from './secrets/keychain';
import { ConnectionTester } from './servers/connection-test';
import { expandHome } from './paths';
import { version } from './version';

export type CallResult = { ok: true; output: unknown } | { ok: false; error: AppErrorShape };

export interface Core {
  call(method: string, input: unknown): Promise<CallResult>;
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

export type CoreOptions = {
  dataDir: string;
  /** Home whose ~/.ssh is read (known_hosts, config); defaults to the OS user's home. */
  homeDir?: string;
  keychain?: Keychain;
  log?: (line: string) => void;
};

type Handlers = { [M in Method]: (input: z.output<Api[M]['input']>) => Promise<Output<M>> };

export async function createCore(options: CoreOptions): Promise<Core> {
  const home = options.homeDir ?? os.homedir();
  const log = options.log ?? ((line: string) => console.error(line));
  mkdirSync(options.dataDir, { recursive: true });
  const keychain = options.keychain ?? (await openKeychain());
  if (keychain.note) log(`[hostdeck] ${keychain.note}`);
  const events = new EventHub();
  const store = openLocalStore(options.dataDir);
  const inventory = new Inventory(store, keychain, events, home);
  const tester = new ConnectionTester(inventory, store, home);
  const sshConfigPath = (p?: string) => expandHome(p ?? defaultSshConfigPath(home), home);

  const handlers: Handlers = {
    'app.info': async () => ({ version, keychain: keychain.kind, keychainNote: keychain.note, dataDir: options.dataDir }),
    'servers.list': () => inventory.list(),
    'servers.add': (input) => inventory.add(input),
    'servers.update': ({ id, server, clearSecret }) => inventory.update(id, server, clearSecret),
    'servers.remove': async ({ id }) => {
      await inventory.remove(id);
      return { ok: true as const };
    },
    'servers.test': ({ id }) => tester.test(id),
    'servers.trustHostKey': async ({ id, fingerprint }) => {
      tester.trust(id, fingerprint);
      return { ok: true as const };
    },
    'servers.forgetHostKey': async ({ id }) => {
      tester.forget(id);
      return { ok: true as const };
    },
    'sshConfig.preview': async ({ path }) => {
      const file = sshConfigPath(path);
      const names = new Set((await inventory.list()).map((s) => s.name.toLowerCase()));
      return { path: file, candidates: candidatesFrom(await readSshConfig(file), home, names).map((c) => c.candidate) };
    },
    'sshConfig.import': async ({ path, aliases }) => {
      const file = sshConfigPath(path);
      const names = new Set((await inventory.list()).map((s) => s.name.toLowerCase()));
      const all = candidatesFrom(await readSshConfig(file), home, names);
      const added = [];
      const skipped = [];
      for (const alias of aliases) {
        const found = all.find((c) => c.candidate.alias === alias);
        if (!found) skipped.push({ alias, reason: 'Not in the SSH config' });
        else if (!found.input) skipped.push({ alias, reason: found.candidate.problem ?? 'Not valid' });
        else {
          try {
            added.push(await inventory.add(found.input));
          } catch (error) {
            skipped.push({ alias, reason: error instanceof AppError ? Object.values(error.fields ?? {})[0] ?? error.message : 'Could not be added' });
          }
        }
      }
      return { added, skipped };
    },
  };

  async function call(method: string, input: unknown): Promise<CallResult> {
    if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `Unknown method ${method.slice(0, 64)}.` } };
    const spec = api[method];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid-input', message: 'Some fields need attention; nothing was saved.', fields: fieldErrors(parsed.error.issues) } };
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return { ok: true, output: spec.output.parse(await handler(parsed.data)) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toShape() };
      // Library errors may carry paths or protocol text, never secrets (those never reach them as
      // message text); keep them as details and log the stack here, not in the UI.
      log(`[hostdeck] ${method} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return { ok: false, error: { code: 'internal', message: `${method} failed unexpectedly.`, details: error instanceof Error ? error.message : String(error) } };
    }
  }

  return {
    call,
    subscribe: (listener) => events.subscribe(listener),
    close: async () => undefined,
  };
}
