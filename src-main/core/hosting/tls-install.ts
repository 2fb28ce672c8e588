// Installing a domain's certificate: the chain (public, in the parameters) and the private key
// (read from the script's stdin, never on a command line or in parameters) go to
// <tlsDir>/<site>/<domain>.crt (0644) and .key (0600), each written beside its place and renamed
// over it, and the domain's server block is written with its HTTPS part (vhost-tasks.ts). Then
// `nginx -t` and the reload; on failure the previous certificate, key and server block are put
// back, so a renewal that nginx refuses leaves the old certificate serving. The running workers
// keep the old certificate until the reload: replacing one drops no request.
import { z } from 'zod';
import { type HostingSettings, type SiteRecord } from '../../../shared/api/hosting';
import { ChainPem, DEFAULT_TLS_OPTIONS, type TlsOptions } from '../../../shared/tls';
import { shQuote } from '../ssh/sh-quote';
import { logDirParam } from './log-plans';
import { phpSocketParam } from './php-plans';
import { assertSafe } from './quote';
import { bindChecked, bindPreamble, BindParams, checkAndReload, serverBlock, tlsPaths } from './vhost-tasks';

/** What the server block needs (domain.bind's parameters without `tls`) plus the chain and the options. */
export const TlsInstallParams = BindParams.omit({ tls: true })
  .extend({ chainPem: ChainPem, redirect: z.boolean(), hsts: z.boolean() })
  .strict();
export type TlsInstallParams = z.infer<typeof TlsInstallParams>;

/** domain.bind's parameters for a bound domain of a site, with its HTTPS part when the site has a certificate for it. */
export function bindParamsFor(site: SiteRecord, settings: HostingSettings, binding: { domain: string; aliases: string[] }): BindParams {
  const tls = site.tls.find((t) => t.domain === binding.domain);
  return {
    site: site.name,
    domain: binding.domain,
    aliases: binding.aliases,
    ...settings.web,
    ...phpSocketParam(site, settings),
    ...logDirParam(site.name, settings),
    ...(tls ? { tls: { redirect: tls.redirect, hsts: tls.hsts } } : {}),
  };
}

/**
 * tls.install's (and the ACME issue's) parameters for a bound domain of a site: its aliases, PHP
 * socket and web settings from the records; the options kept from the site's record of the
 * domain unless given.
 */
export function tlsInstallParams(site: SiteRecord, settings: HostingSettings, domain: string, chainPem: string, options?: TlsOptions): TlsInstallParams {
  const binding = site.domains.find((b) => b.domain === domain);
  const known = site.tls.find((t) => t.domain === domain);
  const { tls: _, ...bind } = bindParamsFor(site, settings, binding ?? { domain, aliases: [] });
  return { ...bind, chainPem, ...(options ?? (known ? { redirect: known.redirect, hsts: known.hsts } : DEFAULT_TLS_OPTIONS)) };
}

/** The shell lines; the script's stdin must be the private key's PEM. */
export function tlsInstallLines(raw: TlsInstallParams): string[] {
  const { chainPem, redirect, hsts, ...rest } = raw;
  const p = bindChecked({ ...rest, tls: { redirect, hsts } });
  const chain = assertSafe(ChainPem, chainPem, 'chainPem');
  const paths = tlsPaths(p.tlsDir, p.site, p.domain);
  const tmp = (suffix: string) => shQuote(`${paths.dir}/.${p.domain}.${suffix}`);
  const { defineRestore, check } = checkAndReload(
    [
      'if [ "$had_crt" = 1 ]; then mv -f "$old_crt" "$crt"; else rm -f "$crt"; fi',
      'if [ "$had_key" = 1 ]; then mv -f "$old_key" "$key"; else rm -f "$key"; fi',
      'if [ "$had" = 1 ]; then cat "$backup" > "$file"; else rm -f "$file"; fi',
      'rm -f "$backup" "$new_crt" "$new_key"',
    ].join('; '),
    'rm -f "$backup" "$old_crt" "$old_key"',
  );
  return [
    // Read first, before any command could read stdin; kept in a shell variable only.
    'key_pem=$(cat)',
    'case "$key_pem" in *"PRIVATE KEY-----"*) ;; *) echo "no private key was given on stdin" >&2; exit 1 ;; esac',
    ...bindPreamble(p),
    `dir=${shQuote(paths.dir)}`,
    `crt=${shQuote(paths.crt)}`,
    `key=${shQuote(paths.key)}`,
    `new_crt=${tmp('crt.new')}; new_key=${tmp('key.new')}; old_crt=${tmp('crt.old')}; old_key=${tmp('key.old')}`,
    'mkdir -p "$dir" && chmod 755 "$dir" || exit $?',
    '(umask 077 && printf \'%s\\n\' "$key_pem" > "$new_key") || { rm -f "$new_key"; exit 1; }',
    `printf '%s' ${shQuote(chain)} > "$new_crt" && chmod 644 "$new_crt" || { rm -f "$new_key" "$new_crt"; exit 1; }`,
    'had_crt=0; if [ -f "$crt" ]; then cp -p "$crt" "$old_crt" && had_crt=1 || exit $?; fi',
    'had_key=0; if [ -f "$key" ]; then cp -p "$key" "$old_key" && had_key=1 || exit $?; fi',
    'backup=$(mktemp) || exit $?',
    'had=0; if [ -f "$file" ]; then cat "$file" > "$backup" && had=1; fi',
    defineRestore,
    // Renames, so that nothing ever reads half a file.
    'mv -f "$new_key" "$key" && mv -f "$new_crt" "$crt" || { restore; exit 1; }',
    `printf '%s\\n' ${shQuote(serverBlock(p))} > "$file" || { restore; exit 1; }`,
    ...check,
    'echo "HTTPS on: $names with $crt"',
  ];
}
