// A site's PHP: the pool file rendered from checked values (deterministic, isolation lines
// always there), the grammar of extra PHP settings (hostile values refused at the contract and
// again by the renderer), the server block's PHP location, plans that take PHP along, adoption's
// reading of a pool, and the php-fpm version probe's parsing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, HostingChange, type HostingSettings, type SiteRecord } from '../../shared/api/hosting';
import { fieldErrors } from '../../shared/errors';
import { DEFAULT_PHP_SETTINGS, DEFAULT_PHP_VALUES, PhpExtraName, PhpExtraValue, PhpPath, PhpSet, SitePhp } from '../../shared/php';
import { parsePool, renderPool } from '../../src-main/core/hosting/php-pool';
import { ensureLines } from '../../src-main/core/hosting/php-tasks';
import { parseVersions, versionsScript } from '../../src-main/core/hosting/php-versions';
import { bindDomain, deleteSite, setStatus } from '../../src-main/core/hosting/plans';
import { disablePhp, setPhp } from '../../src-main/core/hosting/php-plans';
import { serverBlock } from '../../src-main/core/hosting/vhost-tasks';
import { HOSTILE_VALUES } from '../helpers/php';

const settings: HostingSettings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
const pool = { site: 'shop', version: '8.2', values: DEFAULT_PHP_VALUES, extras: [{ name: 'display_errors', value: 'Off' }, { name: 'error_reporting', value: 'E_ALL & ~E_DEPRECATED' }], socketDir: '/run/php', webGroup: 'www-data' };


function errors(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown) {
  const r = schema.safeParse(v);
  return r.success ? {} : fieldErrors(r.error!.issues);
}

describe('PHP pool', () => {
  it('renders the site pool with the isolation lines and the values, deterministically', () => {
    const text = renderPool(pool);
    expect(text).toBe(renderPool(structuredClone(pool)));
    expect(text.split('\n')).toEqual([
      '; Hostdeck: PHP 8.2 pool of site shop. Written by Hostdeck; changes here are overwritten.',
      '[hd-shop]',
      'user = shop',
      'listen = /run/php/hd-shop.sock',
      'listen.owner = shop',
      'listen.group = www-data',
      'listen.mode = 0660',
      'pm = ondemand',
      'pm.max_children = 5',
      'pm.process_idle_timeout = 10s',
      'pm.max_requests = 5000',
      'security.limit_extensions = .php',
      'php_admin_value[open_basedir] = /home/shop/',
      'php_admin_value[upload_tmp_dir] = /home/shop/.php/tmp',
      'php_admin_value[sys_temp_dir] = /home/shop/.php/tmp',
      'php_admin_value[session.save_path] = /home/shop/.php/sessions',
      'php_admin_value[memory_limit] = 128M',
      'php_admin_value[upload_max_filesize] = 32M',
      'php_admin_value[post_max_size] = 32M',
      'php_admin_value[max_execution_time] = 30',
      'php_admin_value[display_errors] = Off',
      'php_admin_value[error_reporting] = E_ALL & ~E_DEPRECATED',
    ]);
  });

  it('refuses a socket path too long for a unix socket (php-fpm -t would not see it)', () => {
    const long = `/${'s'.repeat(60)}/${'t'.repeat(20)}`;
    expect(() => renderPool({ ...pool, site: 'a'.repeat(31), socketDir: long })).toThrow(/longer than the 107 characters a unix socket allows/);
    expect(renderPool({ ...pool, socketDir: long })).toContain(`listen = ${long}/hd-shop.sock`);
  });

  it('reads a pool it wrote back (adoption), and nothing else', () => {
    expect(parsePool(renderPool(pool), DEFAULT_PHP_VALUES)).toEqual({ values: DEFAULT_PHP_VALUES, extras: pool.extras });
    const changed = { ...pool, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '-1', maxChildren: 9, idleTimeout: 60 } };
    expect(parsePool(renderPool(changed), DEFAULT_PHP_VALUES)?.values).toEqual(changed.values);
    expect(parsePool('[www]\nuser = www-data\n', DEFAULT_PHP_VALUES)).toBeNull();
    expect(parsePool(`${renderPool(pool)}\nphp_admin_value[extension] = evil.so`, DEFAULT_PHP_VALUES)).toBeNull();
  });

  it(`refuses ${HOSTILE_VALUES.length} hostile values at the contract and again in the renderer`, () => {
    expect(HOSTILE_VALUES.length).toBeGreaterThanOrEqual(40);
    for (const value of HOSTILE_VALUES) {
      expect(PhpExtraValue.safeParse(value).success, JSON.stringify(value)).toBe(false);
      expect(() => renderPool({ ...pool, extras: [{ name: 'display_errors', value }] }), JSON.stringify(value)).toThrow();
      expect(() => ensureLines({ ...pool, extras: [{ name: 'display_errors', value }], poolDir: '/etc/php/{version}/fpm/pool.d', fpmConf: '/etc/php/{version}/fpm/php-fpm.conf', binary: '/usr/sbin/php-fpm{version}', reload: 'systemd', pidFile: '/run/php/php{version}-fpm.pid', active: true })).toThrow();
    }
    expect(errors(PhpExtraValue, 'Off\ninclude=/etc/passwd')).toEqual({ _: 'Value must not contain line breaks or control characters' });
    expect(errors(PhpExtraValue, 'a;b')._).toMatch(/no ; = \[ \] quotes/);
  });

  it('accepts values settings need', () => {
    for (const value of ['Off', 'On', '1', '0', 'E_ALL & ~E_DEPRECATED & ~E_STRICT', 'Europe/Berlin', 'exec,passthru,shell_exec,system', 'UTF-8', 'Lax', 'PHPSESSID', '4096K', 'GPCS', 'Mozilla/5.0 (X11)']) {
      expect(PhpExtraValue.safeParse(value).success, value).toBe(true);
    }
  });

  it('lets a site set only allowed PHP settings; isolation, paths, extensions and programs stay Hostdeck\'s', () => {
    for (const name of ['open_basedir', 'extension', 'zend_extension', 'extension_dir', 'auto_prepend_file', 'auto_append_file', 'include_path', 'sendmail_path', 'error_log', 'mail.log', 'allow_url_include', 'upload_tmp_dir', 'sys_temp_dir', 'session.save_path', 'doc_root', 'user_dir', 'cgi.fix_pathinfo', 'opcache.preload', 'opcache.file_cache', 'user_ini.filename']) {
      expect(errors(PhpExtraName, name)._, name).toMatch(/is not a PHP setting a site may set here/);
    }
    expect(errors(PhpExtraName, 'memory_limit')).toEqual({ _: 'memory_limit has a field of its own (Memory limit)' });
    for (const name of ['Display_Errors', 'a b', 'x[y]', 'a=b', 'x;', '']) expect(PhpExtraName.safeParse(name).success, name).toBe(false);
    expect(PhpExtraName.safeParse('date.timezone').success).toBe(true);
    expect(errors(SitePhp, { version: '8.2', values: DEFAULT_PHP_VALUES, extras: [{ name: 'display_errors', value: 'On' }, { name: 'display_errors', value: 'Off' }] })).toEqual({ 'extras.1.name': 'display_errors is set twice' });
  });

  it('checks the values with fields of their own', () => {
    const bad = errors(PhpSet, { site: 'shop', version: '8', values: { memoryLimit: '128MB', uploadMaxFilesize: '-1', postMaxSize: '0M', maxExecutionTime: -1, maxChildren: 0, idleTimeout: 1.5 }, extras: [] });
    expect(bad).toEqual({
      version: 'PHP version must be like 8.2 (one of the php-fpm versions installed on the server)',
      'values.memoryLimit': 'Memory limit must be a size like 128M (a number, then K, M or G; -1 for no limit)',
      'values.uploadMaxFilesize': 'Upload size limit must be a size like 128M (a number, then K, M or G)',
      'values.postMaxSize': 'POST size limit must be a size like 128M (a number, then K, M or G)',
      'values.maxExecutionTime': 'Max execution time must be between 0 and 86400 seconds (0 = no limit)',
      'values.maxChildren': 'Max processes must be between 1 and 200',
      'values.idleTimeout': 'Idle timeout must be a whole number',
    });
    expect(PhpPath.safeParse('/etc/php/{version}/fpm/pool.d').success).toBe(true);
    expect(PhpPath.safeParse('/etc/php/../x').success).toBe(false);
    expect(PhpPath.safeParse('/etc/php/{vers}').success).toBe(false);
    // A hostile value inside a preview change is refused at the contract too.
    expect(HostingChange.safeParse({ op: 'setPhp', input: { site: 'shop', version: '8.2', values: DEFAULT_PHP_VALUES, extras: [{ name: 'display_errors', value: 'Off\ninclude=/x' }] } }).success).toBe(false);
  });
});

describe('PHP in the server blocks and plans', () => {
  const bind = { site: 'shop', domain: 'shop.test', aliases: [], ...DEFAULT_WEB_SETTINGS };
  it('passes existing .php files to the site socket only when the site has PHP', () => {
    expect(serverBlock(bind)).not.toContain('fastcgi_pass');
    expect(serverBlock(bind)).toContain('    location ~ \\.php$ { return 403; }');
    const block = serverBlock({ ...bind, phpSocket: '/run/php/hd-shop.sock' });
    expect(block).toContain('    location ~ \\.php$ {\n        try_files $uri =404;');
    expect(block).toContain('fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;');
    expect(block).toContain('fastcgi_pass unix:/run/php/hd-shop.sock;');
    expect(block).toContain('index index.php index.html index.htm;');
  });

  const site: SiteRecord = { name: 'shop', quotaMb: 0, status: 'active', createdAt: '2026-01-01T00:00:00.000Z', ftpUsers: [], databases: [], domains: [{ domain: 'shop.test', aliases: [] }], creations: [], tls: [], cron: [] };
  const input = { site: 'shop', version: '8.2', values: DEFAULT_PHP_VALUES, extras: [] };

  it('turns PHP on (pool, then server blocks), follows suspension and deletion, turns it off', () => {
    const on = setPhp([site], site, settings, input);
    expect(on.steps.map((s) => s.kind)).toEqual(['php.pool', 'domain.bind']);
    expect(on.steps[1]!.params.phpSocket).toBe('/run/php/hd-shop.sock');
    const withPhp = on.sites[0]!;
    expect(withPhp.php).toEqual({ version: '8.2', values: DEFAULT_PHP_VALUES, extras: [] });
    // Values only: no server block changes.
    expect(setPhp(on.sites, withPhp, settings, { ...input, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '256M' } }).steps.map((s) => s.kind)).toEqual(['php.pool']);
    // Another version (Debian: its own pool folder): the old pool goes first.
    expect(setPhp(on.sites, withPhp, settings, { ...input, version: '8.3' }).steps.map((s) => s.kind)).toEqual(['php.remove', 'php.pool', 'domain.bind']);
    const suspended = setStatus(on.sites, settings, 'shop', 'suspended');
    expect(suspended.steps.map((s) => [s.kind, s.params.active])).toEqual([['site.suspend', undefined], ['php.pool', false]]);
    expect(setStatus(suspended.sites, settings, 'shop', 'active').steps.map((s) => [s.kind, s.params.active])).toEqual([['site.unsuspend', undefined], ['php.pool', true]]);
    expect(deleteSite(on.sites, settings, 'shop').steps.map((s) => s.kind)).toEqual(['domain.unbind', 'php.remove', 'logs.remove', 'site.delete']);
    expect(bindDomain(on.sites, settings, { site: 'shop', domain: 'two.test', aliases: [] }).steps[0]!.params.phpSocket).toBe('/run/php/hd-shop.sock');
    const off = disablePhp(on.sites, withPhp, settings);
    expect(off.steps.map((s) => s.kind)).toEqual(['domain.bind', 'php.remove']);
    expect(off.steps[0]!.params.phpSocket).toBeUndefined();
    expect(off.sites[0]!.php).toBeUndefined();
    expect(() => disablePhp([site], site, settings)).toThrow(/has no PHP/);
  });

  it('finds installed php-fpm versions where the settings put them', () => {
    expect(versionsScript(DEFAULT_PHP_SETTINGS.binary)).toContain("for f in '/usr/sbin/php-fpm'*; do");
    const out = "/usr/sbin/php-fpm8.2\tPHP 8.2.36 (fpm-fcgi) (built: Nov 18 2026)\n/usr/sbin/php-fpm7.4\tPHP 7.4.33 (fpm-fcgi)\n/usr/sbin/php-fpm.bak\tPHP 8.2.1 (fpm-fcgi)\n/usr/sbin/php-fpm8.1\tnot php\n";
    expect(parseVersions(out, DEFAULT_PHP_SETTINGS.binary)).toEqual([{ version: '8.2', binary: '/usr/sbin/php-fpm8.2' }, { version: '7.4', binary: '/usr/sbin/php-fpm7.4' }]);
  });
});
