// Reads OpenSSH known_hosts: plain and hashed (|1|salt|hash) host patterns, [host]:port,
// wildcards and negations, and the @revoked marker. @cert-authority lines are ignored
// (certificate host keys are not supported yet).
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { knownHostsName } from './host-key';

export type KnownHostsEntry = { marker: 'revoked' | null; patterns: string; keyType: string; key: string };

export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      if (fields[0] !== '@revoked') continue;
      marker = 'revoked';
      fields.shift();
    }
    const [patterns, keyType, key] = fields;
    if (!patterns || !keyType || !key) continue;
    entries.push({ marker, patterns, keyType, key });
  }
  return entries;
}

/** Compiled globs: every connection looks its host up in every line, and a fleet's health tick
 * makes thousands of connections. */
const globs = new Map<string, RegExp>();

function globMatches(glob: string, name: string): boolean {
  if (!/[*?]/.test(glob)) return glob.toLowerCase() === name.toLowerCase();
  let re = globs.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'i');
    if (globs.size >= 10_000) globs.clear();
    globs.set(glob, re);
  }
  return re.test(name);
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

export function patternsMatch(patterns: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (patterns.startsWith('|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const p of patterns.split(',')) {
    const negated = p.startsWith('!');
    const glob = negated ? p.slice(1) : p;
    if (globMatches(glob, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export type KnownHostsLookup = { keys: { keyType: string; key: string }[]; revoked: string[] };

export function lookup(entries: KnownHostsEntry[], host: string, port: number): KnownHostsLookup {
  const result: KnownHostsLookup = { keys: [], revoked: [] };
  for (const entry of entries) {
    if (entry.marker === 'revoked') result.revoked.push(entry.key);
    else if (patternsMatch(entry.patterns, host, port)) result.keys.push({ keyType: entry.keyType, key: entry.key });
  }
  return result;
}

export async function readKnownHosts(file: string): Promise<KnownHostsEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
}
