// The read-only command a drift check runs on a server (one exec) and the parser of its report:
// one tab-separated line per fact, first field its type. Files Hostdeck generates are compared by
// SHA-256: the server prints a file's text (base64) only when its hash is not the expected one,
// so a clean server sends hashes and names only. Every value in the script comes from validated
// records and settings and is shQuoted; the script writes nothing.
import { ZoneName, type NsSettings, type Zone } from '../../../shared/dns';
import { SiteName } from '../../../shared/hosting';
import { assertSafe } from '../hosting/quote';
import { mysqlCommand } from '../hosting/db-tasks';
import { shQuote } from '../ssh/sh-quote';
import type { Expected } from './expected';

/** What a zone on one nameserver should be: its file as last pushed. */
export type ExpectedZone = { zone: string; serial: number; text: string; hash: string; recorded: Zone };
export type ZoneCheck = { settings: NsSettings; zones: ExpectedZone[] };

/** A file's text is sent only up to this size (a diff of more would not be read). */
const BODY_MAX = 256 * 1024;

/** Prints `file\t<path>\t<hash>` for each existing file among "$@", and its body when its hash is not the expected one (a case, no process per file). */
function hashFiles(expected: [string, string][]): string[] {
  const known = expected.map(([path, hash]) => shQuote(`${path} ${hash}`)).join('|');
  return [
    'if [ "$#" -gt 0 ]; then sha256sum -- "$@" 2>/dev/null | while read -r h f; do',
    '  printf \'file\\t%s\\t%s\\n\' "$f" "$h"',
    `  case "$f $h" in ${known ? `${known}) ;; ` : ''}*) printf 'body\\t%s\\t' "$f"; head -c ${BODY_MAX} "$f" | base64 -w0; echo;; esac`,
    'done; fi',
  ];
}

export function hostingScript(e: Expected): string[] {
  if (e.sites.length === 0) return [];
  const names = e.sites.map((s) => shQuote(assertSafe(SiteName, s.name, 'site')));
  const lines = [
    `getent passwd ${names.join(' ')} | awk -F: '{ print "acct\\t" $1 "\\t" $3 "\\t" $6 }'`,
    `for s in ${names.join(' ')}; do [ -e ${shQuote(e.settings.web.suspendedDir)}/"$s" ] && printf 'susp\\t%s\\n' "$s"; done`,
    `if [ -r ${shQuote(e.settings.ftp.passwdFile)} ]; then awk -F: 'NF >= 6 { print "ftp\\t" $1 "\\t" $3 "\\t" $6 }' ${shQuote(e.settings.ftp.passwdFile)}; else echo 'noftp'; fi`,
  ];
  if (e.sites.some((s) => s.databases.length > 0)) {
    const mysql = mysqlCommand(e.settings.mysql);
    lines.push(
      `if command -v mysql >/dev/null 2>&1 && ${mysql} -e 'SELECT 1' >/dev/null 2>&1; then`,
      `  ${mysql} -e 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA' | sed 's/^/db\\t/'`,
      `  ${mysql} -e "SELECT User FROM mysql.user WHERE Host = 'localhost'" | sed 's/^/dbuser\\t/'`,
      `else echo 'nodb'; fi`,
    );
  }
  // Globs of Hostdeck's files of the recorded sites (an unquoted * inside the quoted parts).
  const glob = (pattern: string) => pattern.split('*').map((part) => (part === '' ? '' : shQuote(part))).join('*');
  lines.push(`set --; for f in ${e.globs.map((g) => glob(g.pattern)).join(' ')}; do [ -f "$f" ] && set -- "$@" "$f"; done`, ...hashFiles(e.files.map((f) => [f.path, f.hash])));
  for (const c of e.certs) lines.push(`[ -s ${shQuote(c.crt)} ] && [ -s ${shQuote(c.key)} ] && printf 'cert\\t%s\\n' ${shQuote(c.crt)}`);
  return lines;
}

/**
 * A zone's file on the nameserver, hashed; when it is not the file as pushed (or named keeps a
 * journal of dynamic updates beside it), named-compilezone prints the zone as named would load
 * it (journal applied), to be compared record by record.
 */
export function zoneScript(check: ZoneCheck): string[] {
  const s = check.settings;
  const lines = [
    `zdir=${shQuote(s.zoneDir)}; zconf=${shQuote(s.zonesConf)}`,
    `if [ -r "$zconf" ]; then sed -n 's/^zone "\\([^"]*\\)".*/stanza\\t\\1/p' "$zconf"; else echo 'nozonesconf'; fi`,
  ];
  for (const z of check.zones) {
    const zone = shQuote(assertSafe(ZoneName, z.zone, 'zone'));
    lines.push(
      `z=${zone}; f="$zdir/db.$z"`,
      `if [ -f "$f" ]; then h=$(sha256sum < "$f" | cut -c1-64); j=0; [ -e "$f.jnl" ] && j=1; printf 'zone\\t%s\\t%s\\t%s\\n' "$z" "$h" "$j"`,
      `  if [ "$h" != ${z.hash} ] || [ "$j" = 1 ]; then printf 'zonebody\\t%s\\t' "$z"; { named-compilezone -q -j -o - "$z" "$f" 2>/dev/null || echo ';hostdeck: does not load'; } | head -c ${BODY_MAX * 16} | base64 -w0; echo; fi`,
      'fi',
    );
  }
  return lines;
}

/** hosting: hostingScript's lines (kept with the expectations they come from). */
export function driftScript(hosting: readonly string[], zones: ZoneCheck | null): string {
  return [...hosting, ...(zones ? zoneScript(zones) : []), 'true'].join('\n');
}

export type Found = {
  accounts: Map<string, { uid: number; home: string }>;
  suspended: Set<string>;
  /** null: the server has no FTP users file. */
  ftp: { user: string; uid: number; home: string }[] | null;
  /** null: MySQL could not be asked. */
  dbs: Set<string> | null;
  dbUsers: Set<string>;
  files: Map<string, string>;
  bodies: Map<string, string>;
  certs: Set<string>;
  stanzas: Set<string> | null;
  zones: Map<string, { hash: string; journal: boolean }>;
  zoneBodies: Map<string, string>;
};

const unbase64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
/** mysql --batch escapes backslash, tab, newline and NUL in values. */
const unbatch = (v: string) => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === '0' ? '\0' : c));

export function parseReport(stdout: string): Found {
  const found: Found = { accounts: new Map(), suspended: new Set(), ftp: [], dbs: new Set(), dbUsers: new Set(), files: new Map(), bodies: new Map(), certs: new Set(), stanzas: new Set(), zones: new Map(), zoneBodies: new Map() };
  for (const line of stdout.split('\n')) {
    const [type, a = '', b = '', c = ''] = line.split('\t');
    if (type === 'acct') found.accounts.set(a, { uid: Number(b), home: c });
    else if (type === 'susp') found.suspended.add(a);
    else if (type === 'noftp') found.ftp = null;
    else if (type === 'ftp') found.ftp?.push({ user: a, uid: Number(b), home: c });
    else if (type === 'nodb') found.dbs = null;
    else if (type === 'db') found.dbs?.add(unbatch(a));
    else if (type === 'dbuser') found.dbUsers.add(unbatch(a));
    else if (type === 'file') found.files.set(a, b);
    else if (type === 'body') found.bodies.set(a, unbase64(b));
    else if (type === 'cert') found.certs.add(a);
    else if (type === 'nozonesconf') found.stanzas = null;
    else if (type === 'stanza') found.stanzas?.add(a);
    else if (type === 'zone') found.zones.set(a, { hash: b, journal: c === '1' });
    else if (type === 'zonebody') found.zoneBodies.set(a, unbase64(b));
  }
  return found;
}
