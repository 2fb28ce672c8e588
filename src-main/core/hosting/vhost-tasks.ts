// Task kinds of domain bindings: one nginx server block per bound domain (its aliases in the same
// server_name), in the server's vhost folder as hostdeck-<site>-<domain>.conf, serving the site's
// web root — or the suspension page while <suspendedDir>/<site> exists (site.suspend writes it),
// so suspending needs no config change. Every change is checked with `nginx -t` before the
// reload; when the check or the reload fails, the previous file is put back (or the new one
// removed) and the task fails with nginx's words. A name another server block in the folder
// already serves is refused before anything is written. A domain with a certificate (`tls`,
// installed by tls-install.ts) gets an HTTPS server block beside the plain HTTP one.
import { z } from 'zod';
import { FtpPath, ListenAddress, WebSettings, type SiteRecord } from '../../../shared/api/hosting';
import { Domain, DomainList, SiteName } from '../../../shared/hosting';
import { TlsOptions } from '../../../shared/tls';
import { acmeInclude } from '../acme/http01';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { ensureLogDirLines } from './log-tasks';
import { assertSafe } from './quote';

const Web = WebSettings.shape;
/** phpSocket: the site's PHP-FPM pool (php-tasks.ts), when the site has PHP; tls: the domain has a certificate in tlsDir; logDir: the site's log folder (log-tasks.ts; absent in tasks queued before it). */
export const BindParams = z.object({ site: SiteName, domain: Domain, aliases: DomainList, ...Web, phpSocket: FtpPath.optional(), tls: TlsOptions.optional(), logDir: FtpPath.optional() }).strict();
export type BindParams = z.infer<typeof BindParams>;
const UnbindParams = z.object({ site: SiteName, domain: Domain, vhostDir: FtpPath, nginxConf: FtpPath }).strict();
type UnbindParams = z.infer<typeof UnbindParams>;

/** What a suspended site's domains answer (with HTTP 503). */
export const SUSPENDED_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>Site suspended</title></head><body><h1>This site is suspended</h1><p>Please contact your hosting provider.</p></body></html>';

export function vhostFileName(site: string, domain: string): string {
  return `hostdeck-${site}-${domain}.conf`;
}

/** domain.bind's `tls` for a bound domain: present while the site has a certificate for it, so that binding again keeps HTTPS. */
export function tlsParam(site: SiteRecord, domain: string): { tls?: TlsOptions } {
  const tls = site.tls.find((t) => t.domain === domain);
  return tls ? { tls: { redirect: tls.redirect, hsts: tls.hsts } } : {};
}

/** Where a domain's certificate chain and private key live on the server. */
export function tlsPaths(tlsDir: string, site: string, domain: string): { dir: string; crt: string; key: string } {
  const dir = `${tlsDir}/${site}`;
  return { dir, crt: `${dir}/${domain}.crt`, key: `${dir}/${domain}.key` };
}

/**
 * Modern TLS only (TLS 1.2 with forward-secret AEAD ciphers, TLS 1.3). `http2` as a listen
 * parameter is what Debian 12's nginx 1.22 knows; nginx 1.25.1+ still accepts it with a warning.
 */
function tlsLines(p: BindParams, hsts: boolean): string[] {
  const paths = tlsPaths(p.tlsDir, p.site, p.domain);
  return [
    `    ssl_certificate ${paths.crt};`,
    `    ssl_certificate_key ${paths.key};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;',
    '    ssl_prefer_server_ciphers off;',
    '    ssl_session_cache shared:hostdeck_tls:10m;',
    '    ssl_session_timeout 1d;',
    ...(hsts ? ['    add_header Strict-Transport-Security "max-age=31536000" always;'] : []),
  ];
}

/** The port part of a redirect to HTTPS (none for 443). */
function httpsPort(tlsListen: string): string {
  const port = tlsListen.slice(tlsListen.lastIndexOf(':') + 1);
  return port === '443' ? '' : `:${port}`;
}

/** The server block(s), deterministic for the same inputs (values already validated). */
export function serverBlock(p: BindParams): string {
  const names = [p.domain, ...p.aliases].join(' ');
  /** What every block of the domain starts with after its listen line. */
  const head = [`    server_name ${names};`, acmeInclude(p.nginxConf), ...(p.logDir ? [`    access_log ${p.logDir}/access.log;`, `    error_log ${p.logDir}/error.log;`] : [])];
  const comment = `# Hostdeck: site ${p.site}, domain ${p.domain}. Written by Hostdeck; changes here are overwritten.`;
  const plain = ['server {', `    listen ${p.listen};`, ...head, ...siteLines(p), '}'];
  if (!p.tls) return [comment, ...plain].join('\n');
  const http = p.tls.redirect ? ['server {', `    listen ${p.listen};`, ...head, `    location / { return 301 https://$host${httpsPort(p.tlsListen)}$request_uri; }`, '}'] : plain;
  const https = ['server {', `    listen ${p.tlsListen} ssl http2;`, ...head, ...tlsLines(p, p.tls.hsts), ...siteLines(p), '}'];
  return [comment, ...http, ...https].join('\n');
}

/** What serves the site: its web root, the suspension page, PHP or its refusal. */
function siteLines(p: BindParams): string[] {
  return [
    `    root /home/${p.site}/public_html;`,
    `    index ${p.phpSocket ? 'index.php ' : ''}index.html index.htm;`,
    `    if (-f ${p.suspendedDir}/${p.site}) { return 503; }`,
    '    error_page 503 @suspended;',
    `    location @suspended { default_type text/html; return 503 '${SUSPENDED_PAGE}'; }`,
    '    location / { try_files $uri $uri/ =404; }',
    // Without PHP a .php file is refused rather than sent: its source may hold passwords.
    ...(p.phpSocket ? phpLocation(p.phpSocket) : ['    location ~ \\.php$ { return 403; }']),
  ];
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

export function bindChecked(p: BindParams): BindParams {
  return {
    site: assertSafe(SiteName, p.site, 'site'),
    domain: assertSafe(Domain, p.domain, 'domain'),
    aliases: assertSafe(DomainList, p.aliases, 'aliases'),
    vhostDir: assertSafe(FtpPath, p.vhostDir, 'vhostDir'),
    nginxConf: assertSafe(FtpPath, p.nginxConf, 'nginxConf'),
    listen: assertSafe(ListenAddress, p.listen, 'listen'),
    suspendedDir: assertSafe(FtpPath, p.suspendedDir, 'suspendedDir'),
    tlsDir: assertSafe(FtpPath, p.tlsDir, 'tlsDir'),
    tlsListen: assertSafe(ListenAddress, p.tlsListen, 'tlsListen'),
    ...(p.tls === undefined ? {} : { tls: assertSafe(TlsOptions, p.tls, 'tls') }),
    ...(p.phpSocket === undefined ? {} : { phpSocket: assertSafe(FtpPath, p.phpSocket, 'phpSocket') }),
    ...(p.logDir === undefined ? {} : { logDir: assertSafe(FtpPath, p.logDir, 'logDir') }),
  };
}

/**
 * Checks, reloads, and on failure runs `restore` (a shell body putting back what was there) and
 * fails; `cleanup` runs after a good reload.
 * The reload is a signal: nginx's master applies it within about 100 ms (it pauses that long
 * before retiring the old workers, and coalesces reloads that arrive meanwhile). Waiting for that
 * would cost every binding 100 ms; a configuration `nginx -t` accepts is what the master loads.
 */
export function checkAndReload(restore: string, cleanup: string): { defineRestore: string; check: string[] } {
  return {
    defineRestore: `restore() { ${restore}; }`,
    check: [
      'if ! out=$(nginx -t -c "$conf" 2>&1); then restore; printf \'nginx refused the new configuration; the previous one was restored:\\n%s\\n\' "$out" >&2; exit 7; fi',
      'if ! out=$(nginx -s reload -c "$conf" 2>&1); then restore; printf \'nginx did not reload; the previous configuration was restored:\\n%s\\n\' "$out" >&2; exit 8; fi',
      cleanup,
    ],
  };
}
const reload = checkAndReload('if [ "$had" = 1 ]; then cat "$backup" > "$file"; else rm -f "$file"; fi; rm -f "$backup"', 'rm -f "$backup"');
const CHECK_AND_RELOAD = [reload.defineRestore, ...reload.check];

/** Variables and checks before a server block is written (p already checked): the account, nginx, the folder, names served elsewhere. */
export function bindPreamble(p: BindParams): string[] {
  return [
    `site=${shQuote(p.site)}`,
    `names=${shQuote([p.domain, ...p.aliases].join(' '))}`,
    `file=${shQuote(`${p.vhostDir}/${vhostFileName(p.site, p.domain)}`)}`,
    `vhost_dir=${shQuote(p.vhostDir)}`,
    `conf=${shQuote(p.nginxConf)}`,
    'if ! id -u "$site" >/dev/null 2>&1; then echo "no Linux account $site on this server (create the site first)" >&2; exit 4; fi',
    // nginx -t opens the log files: the site's log folder must be there (log-tasks.ts).
    ...(p.logDir ? ensureLogDirLines(p.logDir) : []),
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
  ];
}

export function bindLines(raw: BindParams): string[] {
  const p = bindChecked(raw);
  return [
    ...bindPreamble(p),
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
