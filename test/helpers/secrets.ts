// The secrets the tests hand to Hostdeck, so the final scan (test/final/secret-scan.test.ts) can
// prove none of them was written to a file. Besides a few fixed ones (TEST_SECRETS) and the
// testbed's own passwords, each test registers what it gives the app or gets from it once (a
// generated password) in a registry every vitest worker appends to: the workers are separate
// processes, so the registry is a folder of one file per process.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CallMessage, CoreToWindow } from '../../shared/protocol';
import { RUNS } from '../../testbed/util';

export const TEST_SECRETS = {
  edited: 'hd-test-secret-Edited-5fK2pQ',
  wrongPassword: 'hd-test-secret-Wrong-9xLm3Z',
  wrongPassphrase: 'hd-test-secret-NotThePassphrase-Qa71',
} as const;

/**
 * The registry: $HOSTDECK_TEST_SECRETS (scripts/test.ts: .testbed/secrets-<run>, beside the
 * scanned data folder so that the registry itself is not scanned; removed after a successful run).
 */
export const secretRegistryDir = process.env.HOSTDECK_TEST_SECRETS ?? path.join(RUNS, 'secrets-local');

/** Shorter values would be found by chance in any file (and the contract refuses them anyway). */
export const MIN_SECRET_LENGTH = 6;

export type RegisteredSecret = { label: string; value: string };

const registeredHere = new Set<string>();

/** Records a secret this test hands to Hostdeck (or got from it) for the final scan. */
export function registerSecret(label: string, value: string): void {
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(`registerSecret(${label}): a secret under ${MIN_SECRET_LENGTH} characters cannot be searched for without false alarms`);
  }
  if (registeredHere.has(value)) return;
  registeredHere.add(value);
  mkdirSync(secretRegistryDir, { recursive: true, mode: 0o700 });
  appendFileSync(path.join(secretRegistryDir, `${process.pid}.jsonl`), `${JSON.stringify({ label, value })}\n`, { mode: 0o600 });
}

/** Every secret any process registered, each value once (with the label it was first registered under). */
export function registeredSecrets(dir = secretRegistryDir): RegisteredSecret[] {
  if (!existsSync(dir)) return [];
  const byValue = new Map<string, RegisteredSecret>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line) as RegisteredSecret;
      if (!byValue.has(entry.value)) byValue.set(entry.value, entry);
    }
  }
  return [...byValue.values()];
}

// The fields of the API that carry secrets: given (ServerInput.secret, db.setAccess and the
// hosting methods' password, ssh.answerPrompt's answers — every prompt of the testbed asks for a
// password or a code) and returned once (the hosting methods' password, generated when not given).
// They sit at the top of a call's input or one object down (servers.update's server.secret), and at
// the top of its output; deeper down are a table's rows, whose columns may be called password too.
const GIVEN = new Set(['secret', 'password', 'newPassword', 'passphrase', 'answers', 'keyPem']);
const RETURNED = new Set(['password']);

/** The strings under the given field names in `value` and, while depth > 1, in the objects it holds. */
function fieldStrings(value: unknown, fields: Set<string>, depth: number): [string, string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, v]): [string, string][] => {
    if (!fields.has(key)) return depth > 1 ? fieldStrings(v, fields, depth - 1) : [];
    const strings = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    return strings.map((s) => [key, s]);
  });
}

/**
 * Registers the secrets of one API call seen at a chokepoint (the integration tests' core, the
 * e2e browser's WebSocket): `source` names the chokepoint. Values too short to search for are
 * inputs the contract refuses (the hostile-input tests send some).
 */
export function registerCallSecrets(source: string, method: string, input: unknown): void {
  for (const [field, value] of fieldStrings(input, GIVEN, 2)) {
    if (value.length >= MIN_SECRET_LENGTH) registerSecret(`${source} ${method}: ${field} (given)`, value);
  }
}

/** The label's end for a secret the app returned that the test had not given it: a generated one. */
export const RETURNED_LABEL = '(returned)';

/** Registers the secrets an API call returned (a generated password, shown once). */
export function registerResultSecrets(source: string, method: string, output: unknown): void {
  for (const [field, value] of fieldStrings(output, RETURNED, 1)) {
    if (value.length >= MIN_SECRET_LENGTH) registerSecret(`${source} ${method}: ${field} ${RETURNED_LABEL}`, value);
  }
}

/** For one window's connection to the core: registers the secrets of the calls it sends and of their results. */
export function wireSecretWatcher(source: string): { sent(text: string): void; received(text: string): void } {
  const methods = new Map<number, string>();
  const parse = (text: string): CallMessage | CoreToWindow | null => {
    try {
      return JSON.parse(text) as CallMessage | CoreToWindow;
    } catch {
      return null; // not a protocol message
    }
  };
  return {
    sent(text) {
      const message = parse(text);
      if (message?.kind !== 'call') return;
      methods.set(message.id, message.method);
      registerCallSecrets(source, message.method, message.input);
    },
    received(text) {
      const message = parse(text);
      if (message?.kind !== 'result') return;
      const method = methods.get(message.id);
      methods.delete(message.id);
      if (method && message.ok) registerResultSecrets(source, method, message.output);
    },
  };
}
