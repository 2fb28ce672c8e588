// PHP of a site: a PHP-FPM pool of its own (its Linux user, a socket only the web server's group
// opens, open_basedir = its home) and the PHP values it may set, checked strictly here and again
// right before they reach the pool file (src-main/core/hosting/php-pool.ts). A pool file is an
// INI file: a value that could end its line, start a comment (;), a section ([), a quoted string
// or an expansion (${…}) could add a directive of its own (include=, user=, open_basedir=), so the
// grammar admits only what PHP settings need and nothing that means something to the INI parser
// beyond an expression (error_reporting's E_ALL & ~E_NOTICE).
// Pure: no node, no DOM.
import { z } from 'zod';
import { CONTROL_CHARS } from './validation';

/** A PHP version as Debian names its php-fpm: major.minor (php-fpm8.2). */
export const PHP_VERSION = /^[5-9]\.[0-9]{1,2}$/;
export const PhpVersion = z
  .string({ error: 'PHP version is required' })
  .regex(PHP_VERSION, 'PHP version must be like 8.2 (one of the php-fpm versions installed on the server)');
export type PhpVersion = z.infer<typeof PhpVersion>;

/** A byte size as php.ini writes it: 1 to 99999 with K, M or G (128M). */
const SIZE = /^[1-9][0-9]{0,4}[KMG]$/;
function size(what: string, allowUnlimited = false) {
  return z
    .string({ error: `${what} is required` })
    .refine((v) => SIZE.test(v) || (allowUnlimited && v === '-1'), `${what} must be a size like 128M (a number, then K, M or G${allowUnlimited ? '; -1 for no limit' : ''})`);
}
function int(what: string, min: number, max: number, unit = '') {
  return z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be between ${min} and ${max}${unit}`)
    .max(max, `${what} must be between ${min} and ${max}${unit}`);
}

/** The values every pool has, with a field of their own. */
export const PhpValues = z
  .object({
    memoryLimit: size('Memory limit', true),
    uploadMaxFilesize: size('Upload size limit'),
    postMaxSize: size('POST size limit'),
    maxExecutionTime: int('Max execution time', 0, 86_400, ' seconds (0 = no limit)'),
    /** pm.max_children: at most this many PHP processes of the site at once. */
    maxChildren: int('Max processes', 1, 200),
    /** pm.process_idle_timeout: an idle process ends after this many seconds. */
    idleTimeout: int('Idle timeout', 1, 3600, ' seconds'),
  })
  .strict();
export type PhpValues = z.infer<typeof PhpValues>;

/** The php.ini names of the dedicated fields (an extra line may not set them again). */
export const FIELD_INI_NAMES: Readonly<Record<string, string>> = {
  memory_limit: 'Memory limit',
  upload_max_filesize: 'Upload size limit',
  post_max_size: 'POST size limit',
  max_execution_time: 'Max execution time',
};

/**
 * Settings a site may set as extra php_admin_value lines: display, errors, limits, sessions'
 * cookies, locale, caches. Everything else is refused, in particular what would undo the
 * isolation or run something: open_basedir, upload_tmp_dir, sys_temp_dir and session.save_path
 * (Hostdeck sets them to the site's home), extension / zend_extension / extension_dir (load any
 * shared object), auto_prepend_file / auto_append_file / include_path (run other files),
 * sendmail_path (runs a program), error_log / mail.log (write outside the home), allow_url_include,
 * doc_root / user_dir / cgi.* and opcache.preload / opcache.file_cache (paths and code outside
 * the site). disable_functions and disable_classes only take abilities away.
 */
export const PHP_EXTRA_NAMES: readonly string[] = [
  'allow_url_fopen', 'date.timezone', 'default_charset', 'default_socket_timeout', 'disable_classes', 'disable_functions',
  'display_errors', 'display_startup_errors', 'error_reporting', 'expose_php', 'file_uploads', 'html_errors', 'log_errors',
  'max_file_uploads', 'max_input_nesting_level', 'max_input_time', 'max_input_vars', 'mbstring.language', 'opcache.enable',
  'opcache.revalidate_freq', 'opcache.validate_timestamps', 'output_buffering', 'pcre.backtrack_limit', 'pcre.recursion_limit',
  'precision', 'realpath_cache_size', 'realpath_cache_ttl', 'request_order', 'serialize_precision', 'session.cookie_httponly',
  'session.cookie_lifetime', 'session.cookie_samesite', 'session.cookie_secure', 'session.gc_divisor', 'session.gc_maxlifetime',
  'session.gc_probability', 'session.name', 'session.use_only_cookies', 'session.use_strict_mode', 'short_open_tag',
  'user_agent', 'variables_order', 'zlib.output_compression',
];
const EXTRA_NAMES = new Set(PHP_EXTRA_NAMES);

export const PHP_NAME = /^[a-z0-9_.]+$/;
/**
 * Letters, digits, space and `_ . , : / @ % * + - & | ~ ! ( ) ^ < > ?`: enough for sizes, time
 * zones, lists of functions, error_reporting expressions. Never `;` `#` (comments), `=` `[` `]`
 * (a key or section), quotes, `$` `{` `}` (expansion), backslash or backtick.
 */
export const PHP_VALUE = /^[A-Za-z0-9 _.,:/@%*+\-&|~!()^<>?]+$/;
export const PHP_VALUE_MAX = 255;
export const PHP_EXTRAS_MAX = 40;

export const PhpExtraName = z.string({ error: 'Setting name is required' }).superRefine((v, ctx) => {
  const message =
    v.length === 0 ? 'Setting name is required'
    : v.length > 64 ? 'Setting name is too long (at most 64 characters)'
    : !PHP_NAME.test(v) ? 'Setting name may use lowercase letters a-z, digits, _ and . (like display_errors)'
    : FIELD_INI_NAMES[v] !== undefined ? `${v} has a field of its own (${FIELD_INI_NAMES[v]})`
    : !EXTRA_NAMES.has(v) ? `${v} is not a PHP setting a site may set here (open_basedir, paths, extensions and programs stay Hostdeck's)`
    : null;
  if (message) ctx.addIssue({ code: 'custom', message });
});

export const PhpExtraValue = z.string({ error: 'Value is required' }).superRefine((v, ctx) => {
  const message =
    v.trim().length === 0 ? 'Value is required'
    : CONTROL_CHARS.test(v) ? 'Value must not contain line breaks or control characters'
    : v.length > PHP_VALUE_MAX ? `Value is too long (at most ${PHP_VALUE_MAX} characters)`
    : v !== v.trim() ? 'Value must not start or end with a space'
    : !PHP_VALUE.test(v) ? 'Value may use letters, digits, spaces and _ . , : / @ % * + - & | ~ ! ( ) ^ < > ? (no ; = [ ] quotes $ { } \\ or `)'
    : null;
  if (message) ctx.addIssue({ code: 'custom', message });
});

export const PhpExtra = z.object({ name: PhpExtraName, value: PhpExtraValue }).strict();
export type PhpExtra = z.infer<typeof PhpExtra>;

export const PhpExtras = z
  .array(PhpExtra, { error: 'Extra settings must be a list' })
  .max(PHP_EXTRAS_MAX, `At most ${PHP_EXTRAS_MAX} extra settings`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((e, i) => {
      if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${e.name} is set twice` });
      seen.add(e.name);
    });
  });

/** A site's PHP: which php-fpm runs its pool and with what values. */
export const SitePhp = z.object({ version: PhpVersion, values: PhpValues, extras: PhpExtras }).strict();
export type SitePhp = z.infer<typeof SitePhp>;

/**
 * An absolute path of plain segments where `{version}` stands for the site's PHP version
 * (/etc/php/{version}/fpm/pool.d).
 */
export const PhpPath = z
  .string({ error: 'Path is required' })
  .max(255, 'Path is too long (at most 255 characters)')
  .refine((p) => /^(\/([A-Za-z0-9_.][A-Za-z0-9._-]{0,63}|[A-Za-z0-9._-]*\{version\}[A-Za-z0-9._-]*))+$/.test(p), 'An absolute path of letters, digits, ".", "_" and "-", where {version} stands for the PHP version (like /etc/php/{version}/fpm/pool.d)')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'No "." or ".." segments');

/** The path for one PHP version. */
export function phpPath(template: string, version: string): string {
  return template.replaceAll('{version}', version);
}

export const PhpReload = z.enum(['systemd', 'pidfile']);
export type PhpReload = z.infer<typeof PhpReload>;

/** Where a server's php-fpm keeps pools, how it is checked and reloaded, and the sites' default values. */
export const PhpSettings = z
  .object({
    /** Folder whose *.conf the php-fpm master includes (Hostdeck writes hd-<site>.conf there). */
    poolDir: PhpPath,
    /** The master's main config: `php-fpm -t --fpm-config` checks it. */
    fpmConf: PhpPath,
    /** The php-fpm binary; installed versions are found by putting * for {version}. */
    binary: PhpPath,
    /** `systemctl reload php<version>-fpm`, or SIGUSR2 to the master in pidFile. */
    reload: PhpReload,
    pidFile: PhpPath,
    /** Where the pools' sockets are (hd-<site>.sock). */
    socketDir: PhpPath,
    /** The web server's group: the only group that may open a pool's socket. */
    webGroup: z.string({ error: 'Web server group is required' }).regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'A Linux group name (like www-data)'),
    /** The values of a site that turns PHP on. */
    defaults: PhpValues,
  })
  .strict();
export type PhpSettings = z.infer<typeof PhpSettings>;

export const DEFAULT_PHP_VALUES: PhpValues = { memoryLimit: '128M', uploadMaxFilesize: '32M', postMaxSize: '32M', maxExecutionTime: 30, maxChildren: 5, idleTimeout: 10 };

/** Debian's php-fpm layout (php8.2-fpm and friends). */
export const DEFAULT_PHP_SETTINGS: PhpSettings = {
  poolDir: '/etc/php/{version}/fpm/pool.d',
  fpmConf: '/etc/php/{version}/fpm/php-fpm.conf',
  binary: '/usr/sbin/php-fpm{version}',
  reload: 'systemd',
  pidFile: '/run/php/php{version}-fpm.pid',
  socketDir: '/run/php',
  webGroup: 'www-data',
  defaults: DEFAULT_PHP_VALUES,
};

/** The pool's file and socket names of a site (hd-<site>). */
export function poolName(site: string): string {
  return `hd-${site}`;
}

/** A php-fpm found on the server. */
export const PhpInstalled = z.object({ version: z.string(), binary: z.string() });
export type PhpInstalled = z.infer<typeof PhpInstalled>;

/** Turn PHP on for a site, or change its version or values. */
export const PhpSet = z
  .object({ site: z.string(), version: PhpVersion, values: PhpValues, extras: PhpExtras })
  .strict();
export type PhpSet = z.infer<typeof PhpSet>;
