// Task kinds of domain bindings: one nginx server block per bound domain (its aliases in the same
// server_name), in the server's vhost folder as hostdeck-<site>-<domain>.conf, serving the site's
// web root — or the suspension page while <suspendedDir>/<site> exists (site.suspend writes it),
// so suspending needs no config change. Every change is checked with `nginx -t` before the
// reload; when the check or the reload fails, the previous file is put back (or the new one
// removed) and the task fails with nginx's words. A name another server block in the folder
// already serves is refused before anything is written.
import { z } from 'zod';
import { FtpPath, ListenAddress, WebSettings } from '../../../shared/api/hosting';
import { Domain, DomainList, SiteName } from '../../../shared/hosting';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { assertSafe } from './quote';

const Web = WebSettings.shape;
/** phpSocket: the site's PHP-FPM pool (php-tasks.ts), when the site has PHP. */
const BindParams = z.object({ site: SiteName, domain: Domain, aliases: DomainList, ...Web, phpSocket: FtpPath.optional() }).strict();
type BindParams = z.infer<typeof BindParams>;
const UnbindParams = z.object({ site: SiteName, domain: Domain, vhostDir: FtpPath, nginxConf: FtpPath }).strict();
type UnbindParams = z.infer<typeof UnbindParams>;

/** What a suspended site's domains answer (with HTTP 503). */
export const SUSPENDED_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>Site suspended</title></head><body><h1>This site is suspended</h1><p>Please contact your hosting provider.</p></body></html>';

export function vhostFileName(site: string, domain: string): string {
  return `hostdeck-${site}-${domain}.conf`;
}

/** The server block, deterministic for the same inputs (values already validated). */
export function serverBlock(p: BindParams): string {
  const names = [p.domain, ...p.aliases].join(' ');
  return [
    `# Hostdeck: site ${p.site}, domain ${p.domain}. Written by Hostdeck; changes here are overwritten.`,
    'server {',
    `    listen ${p.listen};`,
    `    server_name ${names};`,
    `    root /home/${p.site}/public_html;`,
    `    index ${p.phpSocket ? 'index.php ' : ''}index.html index.htm;`,
    `    if (-f ${p.suspendedDir}/${p.site}) { return 503; }`,
    '    error_page 503 @suspended;',
    `    location @suspended { default_type text/html; return 503 '${SUSPENDED_PAGE}'; }`,
    '    location / { try_files $uri $uri/ =404; }',
    // Without PHP a .php file is refused rather than sent: its source may hold passwords.
    ...(p.phpSocket ? phpLocation(p.phpSocket) : ['    location ~ \\.php$ { return 403; }']),
    '}',
  ].join('\n');
}

/**
 * .php files that exist go to the site's pool; the FastCGI parameters are written out here
 * rather than included, so the block does not depend on where a server keeps fastcgi_params.
 * HTTP_PROXY is emptied: a request's Proxy header must not become the application's proxy.
 */
function phpLocation(socket: string): string[] {
  const params = [
    ['SCRIPT_FILENAME', '$document_root$fastcgi_script_name'], ['SCRIPT_NAME', '$fastcgi_script_name'], ['QUERY_STRING', '$query_string'],
    ['REQUEST_METHOD', '$request_method'], ['CONTENT_TYPE', '$content_type'], ['CONTENT_LENGTH', '$content_length'],
    ['REQUEST_URI', '$request_uri'], ['DOCUMENT_URI', '$document_uri'], ['DOCUMENT_ROOT', '$document_root'],
    ['SERVER_PROTOCOL', '$server_protocol'], ['REQUEST_SCHEME', '$scheme'], ['HTTPS', '$https if_not_empty'],
    ['GATEWAY_INTERFACE', 'CGI/1.1'], ['SERVER_SOFTWARE', 'nginx'], ['REMOTE_ADDR', '$remote_addr'], ['REMOTE_PORT', '$remote_port'],
    ['SERVER_ADDR', '$server_addr'], ['SERVER_PORT', '$server_port'], ['SERVER_NAME', '$server_name'], ['REDIRECT_STATUS', '200'], ['HTTP_PROXY', '""'],
  ];
  return [
    '    location ~ \\.php$ {',
    '        try_files $uri =404;',
    ...params.map(([name, value]) => `        fastcgi_param ${name} ${value};`),
    `        fastcgi_pass unix:${socket};`,
    '    }',
  ];
}

function bindChecked(p: BindParams): BindParams {
  return {
    site: assertSafe(SiteName, p.site, 'site'),
    domain: assertSafe(Domain, p.domain, 'domain'),
    aliases: assertSafe(DomainList, p.aliases, 'aliases'),
    vhostDir: assertSafe(FtpPath, p.vhostDir, 'vhostDir'),
    nginxConf: assertSafe(FtpPath, p.nginxConf, 'nginxConf'),
    listen: assertSafe(ListenAddress, p.listen, 'listen'),
    suspendedDir: assertSafe(FtpPath, p.suspendedDir, 'suspendedDir'),
    ...(p.phpSocket === undefined ? {} : { phpSocket: assertSafe(FtpPath, p.phpSocket, 'phpSocket') }),
  };
}

/**
 * Checks, reloads, and on failure puts back what was there ($backup, or nothing when $had = 0).
 * The reload is a signal: nginx's master applies it within about 100 ms (it pauses that long
 * before retiring the old workers, and coalesces reloads that arrive meanwhile). Waiting for that
 * would cost every binding 100 ms; a configuration `nginx -t` accepts is what the master loads.
 */
const CHECK_AND_RELOAD = [
  'restore() { if [ "$had" = 1 ]; then cat "$backup" > "$file"; else rm -f "$file"; fi; rm -f "$backup"; }',
  'if ! out=$(nginx -t -c "$conf" 2>&1); then restore; printf \'nginx refused the new configuration; the previous one was restored:\\n%s\\n\' "$out" >&2; exit 7; fi',
  'if ! out=$(nginx -s reload -c "$conf" 2>&1); then restore; printf \'nginx did not reload; the previous configuration was restored:\\n%s\\n\' "$out" >&2; exit 8; fi',
  'rm -f "$backup"',
];

export function bindLines(raw: BindParams): string[] {
  const p = bindChecked(raw);
  return [
    `site=${shQuote(p.site)}`,
    `names=${shQuote([p.domain, ...p.aliases].join(' '))}`,
    `file=${shQuote(`${p.vhostDir}/${vhostFileName(p.site, p.domain)}`)}`,
    `vhost_dir=${shQuote(p.vhostDir)}`,
    `conf=${shQuote(p.nginxConf)}`,
    'if ! id -u "$site" >/dev/null 2>&1; then echo "no Linux account $site on this server (create the site first)" >&2; exit 4; fi',
    'command -v nginx >/dev/null 2>&1 || { echo "nginx is not installed on this server" >&2; exit 6; }',
    'if [ ! -d "$vhost_dir" ]; then echo "the vhost folder $vhost_dir does not exist on this server (see the site settings)" >&2; exit 4; fi',
    // A name another server block serves: nginx would only warn and ignore one of them. One awk
    // reads every other file (directives end at ; { or }, so one-line blocks are read too).
    'set --; for f in "$vhost_dir"/*; do if [ -f "$f" ] && [ "$f" != "$file" ]; then set -- "$@" "$f"; fi; done',
    'if [ "$#" -gt 0 ]; then',
    `  hit=$(awk -v names=" $names " 'FNR == 1 { sn = 0 } { gsub(/[{};]/, " ; "); for (i = 1; i <= NF; i++) { if ($i == ";") sn = 0; else if (sn && index(names, " " $i " ")) { print $i " is already served by " FILENAME; found = 1; exit } else if ($i == "server_name") sn = 1 } } END { exit !found }' "$@"); rc=$?`,
    '  if [ "$rc" = 0 ]; then echo "refused: $hit; unbind it there first (nothing was changed)" >&2; exit 9; fi',
    '  if [ "$rc" != 1 ]; then echo "could not read the server blocks in $vhost_dir" >&2; exit 1; fi',
    'fi',
    'backup=$(mktemp) || exit $?',
    'had=0; if [ -f "$file" ]; then cat "$file" > "$backup" && had=1; fi',
    `printf '%s\\n' ${shQuote(serverBlock(p))} > "$file" || { rm -f "$backup"; exit 1; }`,
    ...CHECK_AND_RELOAD,
    'echo "bound: $names -> /home/$site/public_html ($file)"',
  ];
}

export function unbindLines(p: UnbindParams): string[] {
  const site = assertSafe(SiteName, p.site, 'site');
  const domain = assertSafe(Domain, p.domain, 'domain');
  return [
    `file=${shQuote(`${assertSafe(FtpPath, p.vhostDir, 'vhostDir')}/${vhostFileName(site, domain)}`)}`,
    `conf=${shQuote(assertSafe(FtpPath, p.nginxConf, 'nginxConf'))}`,
    'if [ ! -e "$file" ]; then echo "$file is already absent"; exit 0; fi',
    'command -v nginx >/dev/null 2>&1 || { echo "nginx is not installed on this server" >&2; exit 6; }',
    'backup=$(mktemp) || exit $?',
    'cat "$file" > "$backup" && had=1 || exit $?',
    'rm -f "$file"',
    ...CHECK_AND_RELOAD,
    'echo "unbound: $file removed"',
  ];
}

registerTaskKind('domain.bind', {
  params: BindParams,
  title: (p) => `Bind ${p.domain}${p.aliases.length ? ` (+${p.aliases.length} alias${p.aliases.length === 1 ? '' : 'es'})` : ''} to site ${p.site}`,
  commands: bindLines,
  script: (p) => `${bindLines(p).join('\n')}\n`,
});

registerTaskKind('domain.unbind', {
  params: UnbindParams,
  title: (p) => `Unbind ${p.domain} from site ${p.site}`,
  commands: unbindLines,
  script: (p) => `${unbindLines(p).join('\n')}\n`,
});
