// The php-fpm versions installed on a server: the PHP settings' binary with * for {version}
// (/usr/sbin/php-fpm*), each asked for its version (`php-fpm8.2 -v`). One read-only command.
import { AppError, msg } from '../../../shared/errors';
import { PHP_VERSION, phpPath, type PhpInstalled, type PhpSettings } from '../../../shared/php';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { shQuote } from '../ssh/sh-quote';

export function versionsScript(binary: string): string {
  const glob = binary.split('{version}').map((part) => (part === '' ? '' : shQuote(part))).join('*');
  return `for f in ${glob}; do if [ -f "$f" ] && [ -x "$f" ]; then printf '%s\\t%s\\n' "$f" "$("$f" -v 2>/dev/null | head -n 1)"; fi; done; true`;
}

/** Binaries that answer `PHP X.Y.Z (fpm-fcgi)` and sit where the template puts that version. */
export function parseVersions(stdout: string, binary: string): PhpInstalled[] {
  const found: PhpInstalled[] = [];
  for (const line of stdout.split('\n')) {
    const [path = '', banner = ''] = line.split('\t');
    const m = /^PHP (\d+\.\d+)\.\d+\S* \(fpm-fcgi\)/.exec(banner);
    if (!m || !PHP_VERSION.test(m[1]!)) continue;
    if (phpPath(binary, m[1]!) !== path) continue;
    if (!found.some((f) => f.version === m[1])) found.push({ version: m[1]!, binary: path });
  }
  return found.sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }));
}

export async function phpVersions(connections: ConnectionManager, serverId: string, settings: PhpSettings): Promise<PhpInstalled[]> {
  const lease = await connections.acquire(serverId, { interactive: false });
  try {
    const result = await exec(await lease.ready(), versionsScript(settings.binary), 30_000);
    if (result.code !== 0) throw new AppError('ssh', msg('Looking for php-fpm on the server failed.'), { details: result.stderr.slice(-2000) });
    return parseVersions(result.stdout, settings.binary);
  } finally {
    lease.release();
  }
}
