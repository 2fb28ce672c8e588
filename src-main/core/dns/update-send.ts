// Sends a push's dynamic update to named from the core: the messages (update-wire.ts) go over a
// channel of the server's SSH connection to named on the server's loopback, as nsupdate on the
// server would send them, signed with named's session key (what `update-policy local` grants).
// The key is read once per connection through the task's worker shell and kept in memory only;
// an answer NOTAUTH (named restarted: a new session key) reads it again and sends once more.
// Answers are matched to their messages by id; their own signatures are not checked: they come
// from the server's loopback inside the SSH connection, and the task asks named over DNS for
// each new serial before it counts as done.
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import type { WorkerShell } from '../queue/worker-shell';
import { forwardOut } from '../ssh/connect';
import { shQuote } from '../ssh/sh-quote';
import { answer, parseKeyFile, signed, updateMessages, WireError, type TsigKey, type UpdateMessage } from './update-wire';

const ANSWER_TIMEOUT_MS = 15_000;
const KEY_FILE_MAX = 4096;

/** Session keys by connection and named.conf: a new connection reads the key again. */
const keys = new WeakMap<Client, Map<string, TsigKey>>();

/**
 * The session key file named writes for `update-policy local`: set in named.conf, Debian's
 * default, or wherever named's whole configuration says (named-checkconf -p parses all of it).
 */
function keyScript(namedConf: string): string {
  return [
    `named_conf=${shQuote(namedConf)}`,
    `key=$(sed -n 's/^[[:space:]]*session-keyfile[[:space:]]*"\\(.*\\)";.*/\\1/p' "$named_conf" | head -n 1)`,
    'if [ -z "$key" ] && [ -e /run/named/session.key ]; then key=/run/named/session.key; fi',
    `if [ -z "$key" ]; then key=$(named-checkconf -p "$named_conf" 2>/dev/null | sed -n 's/^[[:space:]]*session-keyfile "\\(.*\\)";$/\\1/p' | head -n 1); key=\${key:-/run/named/session.key}; fi`,
    `head -c ${KEY_FILE_MAX} -- "$key"`,
  ].join('\n');
}

async function sessionKey(client: Client, shell: WorkerShell, namedConf: string, fresh: boolean): Promise<TsigKey | null> {
  const known = keys.get(client) ?? new Map<string, TsigKey>();
  keys.set(client, known);
  if (!fresh && known.has(namedConf)) return known.get(namedConf)!;
  const r = await shell.run(keyScript(namedConf), { timeoutMs: 15_000 });
  const key = r.code === 0 ? parseKeyFile(r.stdout) : null;
  if (key) known.set(namedConf, key);
  else known.delete(namedConf);
  return key;
}

/** Sends the messages over one stream (DNS over TCP: each with its length first); the answers by id. */
function exchange(stream: Duplex, messages: UpdateMessage[], key: TsigKey): Promise<Map<number, string | null>> {
  return new Promise((resolve, reject) => {
    const answers = new Map<number, string | null>();
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`named did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
    const done = (error: Error | null) => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      if (error) reject(error);
      else resolve(answers);
    };
    stream.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const frame = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + frame.length);
        try {
          const a = answer(frame);
          answers.set(a.id, a.error);
        } catch (error) {
          return done(error as Error);
        }
        if (answers.size === messages.length) return done(null);
      }
    });
    stream.once('close', () => done(new Error('named closed the connection before it answered every update')));
    stream.once('error', (e: Error) => done(e));
    for (const m of messages) {
      const wire = signed(m, key);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(wire.length);
      stream.write(Buffer.concat([len, wire]));
    }
  });
}

/** What named's answer means for the zone, in the words of a push. */
function said(rcode: string): string {
  if (rcode === 'REFUSED') return 'named refused it (REFUSED): not a dynamic zone yet, or its update policy does not take the session key';
  if (rcode === 'NXRRSET' || rcode === 'YXRRSET') return `named's copy is not what was pushed last (${rcode})`;
  if (rcode === 'NOTAUTH') return 'named is not authoritative for it, or did not take the session key (NOTAUTH)';
  return `named answered ${rcode}`;
}

export type SentUpdate = { applied: string[]; refused: { zone: string; reason: string }[] };

/** Sends the update text to named on the server (127.0.0.1:port there); zones it did not apply are refused with the reason. */
export async function sendUpdate(client: Client, shell: WorkerShell, settings: { namedConf: string; queryPort: number }, text: string, zones: string[]): Promise<SentUpdate> {
  const all = (reason: string): SentUpdate => ({ applied: [], refused: zones.map((zone) => ({ zone, reason })) });
  let parsed: ReturnType<typeof updateMessages>;
  try {
    parsed = updateMessages(text);
  } catch (error) {
    if (error instanceof WireError) return all(error.message);
    throw error;
  }
  const refused = [...parsed.refused];
  let pending = parsed.messages;
  const applied: string[] = [];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const key = await sessionKey(client, shell, settings.namedConf, attempt > 0);
    if (!key) return { applied, refused: [...refused, ...pending.map((m) => ({ zone: m.zone, reason: "named's session key could not be read" }))] };
    let answers: Map<number, string | null>;
    let stream: Duplex | null = null;
    try {
      stream = await forwardOut(client, '127.0.0.1', settings.queryPort);
      answers = await exchange(stream, pending, key);
    } catch (error) {
      return { applied, refused: [...refused, ...pending.map((m) => ({ zone: m.zone, reason: (error as Error).message }))] };
    } finally {
      stream?.destroy();
    }
    const again: UpdateMessage[] = [];
    for (const m of pending) {
      const error = answers.get(m.id);
      if (error === null) applied.push(m.zone);
      else if (error === 'NOTAUTH' && attempt === 0) again.push(m);
      else refused.push({ zone: m.zone, reason: error ? said(error) : 'no answer' });
    }
    pending = again;
  }
  return { applied, refused };
}
