// HTTP-01 without files: one server-wide nginx snippet answers every challenge token with
// `<token>.<account thumbprint>` (the key authorization, RFC 8555 8.3), so nothing is written or
// cleaned up per challenge. Every Hostdeck server block includes it by a glob (serverBlock in
// vhost-tasks.ts), which nginx accepts when no file matches: servers that never used ACME are
// unaffected. `^~` keeps the site's regex locations (PHP) from taking the path; the token is
// captured only when it is made of the characters ACME tokens use (base64url).
import path from 'node:path';
import { z } from 'zod';
import { FtpPath } from '../../../shared/api/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe } from '../hosting/quote';

export const ACME_SNIPPET = 'hostdeck-acme.conf';
/** What a server block includes: the snippet when it is there, nothing otherwise. */
export const ACME_INCLUDE_GLOB = 'hostdeck-acme*.conf';

/** base64url SHA-256: 43 characters. */
export const Thumbprint = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Not an account key thumbprint');

const Params = z.object({ thumbprint: Thumbprint, nginxConf: FtpPath }).strict();
type Params = z.infer<typeof Params>;

/** The folder of nginx's main config: the snippet is not in the vhost folder, whose files nginx includes at http level. */
export function acmeSnippetPath(nginxConf: string): string {
  return `${path.posix.dirname(nginxConf)}/${ACME_SNIPPET}`;
}

export function acmeInclude(nginxConf: string): string {
  return `    include ${path.posix.dirname(nginxConf)}/${ACME_INCLUDE_GLOB};`;
}

export function acmeSnippet(thumbprint: string): string {
  const t = assertSafe(Thumbprint, thumbprint, 'thumbprint');
  return [
    `# Hostdeck: answers ACME HTTP-01 challenges for the account with thumbprint ${t}. Written by Hostdeck; changes here are overwritten.`,
    'location ^~ /.well-known/acme-challenge/ {',
    '    location ~ "^/\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$" {',
    '        default_type text/plain;',
    `        return 200 "$1.${t}";`,
    '    }',
    '    return 404;',
    '}',
  ].join('\n');
}

export function http01Lines(raw: Params): string[] {
  const nginxConf = assertSafe(FtpPath, raw.nginxConf, 'nginxConf');
  const snippet = acmeSnippet(raw.thumbprint);
  return [
    `file=${shQuote(acmeSnippetPath(nginxConf))}`,
    `conf=${shQuote(nginxConf)}`,
    `want=${shQuote(snippet)}`,
    'if [ -f "$file" ] && [ "$(cat "$file")" = "$want" ]; then echo "the ACME answer is already in place ($file)"; exit 0; fi',
    'command -v nginx >/dev/null 2>&1 || { echo "nginx is not installed on this server" >&2; exit 6; }',
    'backup=$(mktemp) || exit $?',
    'had=0; if [ -f "$file" ]; then cat "$file" > "$backup" && had=1; fi',
    'printf \'%s\\n\' "$want" > "$file" && chmod 644 "$file" || { rm -f "$backup"; exit 1; }',
    'restore() { if [ "$had" = 1 ]; then cat "$backup" > "$file"; else rm -f "$file"; fi; rm -f "$backup"; }',
    'if ! out=$(nginx -t -c "$conf" 2>&1); then restore; printf \'nginx refused the ACME answer; the previous configuration was restored:\\n%s\\n\' "$out" >&2; exit 7; fi',
    'if ! out=$(nginx -s reload -c "$conf" 2>&1); then restore; printf \'nginx did not reload; the previous configuration was restored:\\n%s\\n\' "$out" >&2; exit 8; fi',
    'rm -f "$backup"',
    'echo "ACME HTTP-01 answer installed: $file"',
  ];
}

registerTaskKind('acme.http01', {
  params: Params,
  title: () => 'Answer ACME HTTP-01 challenges on this server (nginx)',
  commands: http01Lines,
  script: (p) => `${http01Lines(p).join('\n')}\n`,
});
