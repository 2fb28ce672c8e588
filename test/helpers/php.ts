// For the PHP tests: hostile values of PHP settings, and HTTP requests to the testbed's nginx
// for a host name and path.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { DEFAULT_PHP_VALUES, type PhpSettings } from '../../shared/php';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';

/** Values that would end the line, start a comment, section, quoted string or expansion, or carry a control character. */
export const HOSTILE_VALUES = [
  'Off\ninclude=/etc/passwd', 'Off\r\nuser = root', 'Off\rx', 'On;', '; comment', 'a;b', 'Off ; open_basedir = /', '[www]', ']', '[', 'x]y',
  '"quoted"', "'single'", 'a"b', "a'b", '`id`', '$(id)', '${HOME}', '$HOME', '{x}', 'a\\b', '\\', 'include=/etc/php.conf',
  'a = b', '=', 'Off\u0000', '\u0000', 'a\u0000b', '\t', 'a\tb', ' lead', 'trail ', '', '   ', 'Off\u2028user=root', 'Off\u0085x',
  '\u007f', 'é', 'Ｏｆｆ', '🙂', 'x'.repeat(256), '#comment', 'a#b', 'user=root', 'open_basedir=/', '\u001b[31m',
];

/** GET a path from the testbed's nginx with this Host: status and body (a connection dropped by a reload is asked again). */
export async function httpGet(host: string, path: string): Promise<{ status: number; body: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getOnce(host, path);
    } catch (error) {
      if (attempt >= 5 || !/socket hang up|ECONNRESET/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Asks until the answer passes `ok`, for up to 5 s (nginx applies a reload about 100 ms after its signal). */
export async function askUntil<T>(ask: () => Promise<T>, ok: (r: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = await ask();
    if (ok(r) || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** GET from the testbed's nginx until the answer passes `ok` (see askUntil). */
export function getUntil(host: string, path: string, ok: (r: { status: number; body: string }) => boolean): Promise<{ status: number; body: string }> {
  return askUntil(() => httpGet(host, path), ok);
}

function getOnce(host: string, path: string): Promise<{ status: number; body: string }> {
  const { nginx } = loadTestbed();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: nginx.host, port: nginx.port, path, headers: { Host: host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/**
 * Removes a test site's PHP pool (and reloads the testbed's php-fpm, waiting until its socket is
 * gone) before its account: userdel refuses an account whose pool processes still run.
 */
export async function removeTestPool(site: string): Promise<void> {
  const { php } = loadTestbed();
  for (const f of [`${php.poolsDir}/hd-${site}.conf`, `${php.poolsDir}/hd-${site}.conf.suspended`]) rmSync(f, { force: true });
  try {
    process.kill(Number(readFileSync(php.pidFile, 'utf8').trim()), 'SIGUSR2');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (existsSync(`${php.socketDir}/hd-${site}.sock`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** PHP settings for the testbed's php-fpm master (its pool folder, config, pid file and sockets; reload by signal). */
export function testbedPhpSettings(tb: TestbedInfo): PhpSettings {
  return { poolDir: tb.php.poolsDir, fpmConf: tb.php.conf, binary: '/usr/sbin/php-fpm{version}', reload: 'pidfile', pidFile: tb.php.pidFile, socketDir: tb.php.socketDir, webGroup: 'www-data', defaults: DEFAULT_PHP_VALUES };
}
