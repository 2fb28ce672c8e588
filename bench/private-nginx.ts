// An nginx of a bench's own (the testbed's folder of server blocks is shared with tests that put
// broken configurations there on purpose, which would fail every `nginx -t`, and reload it at any
// moment): the same binary and main configuration as the testbed's, with its own prefix under the
// bench's tmpDir, a free port and its own sites folder; stopped at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { privateNginxConf } from '../testbed/nginx';
import { freePort, type BenchContext } from './lib';

export type PrivateNginx = { host: string; port: number; prefix: string; sitesDir: string; conf: string; stop: () => void };

/**
 * `name` goes into the config's header and the default server's answer; `accessLog` true logs
 * every request to logs/access.log, as Debian's nginx.conf does (default: off); `listen` puts
 * the default server on that address and port (default: the testbed nginx's host, a free port).
 */
export async function startPrivateNginx(ctx: BenchContext, name: string, options: { accessLog?: boolean; listen?: { host: string; port: number } } = {}): Promise<PrivateNginx> {
  const host = options.listen?.host ?? ctx.testbed.nginx.host;
  const port = options.listen?.port ?? (await freePort(host));
  const prefix = path.join(ctx.tmpDir, 'nginx');
  const sitesDir = path.join(prefix, 'sites');
  for (const d of [sitesDir, `${prefix}/logs`, `${prefix}/tmp`, `${prefix}/suspended`]) mkdirSync(d, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    privateNginxConf({
      header: `Written by bench/${name}.bench.ts`,
      dir: prefix,
      pid: `${prefix}/nginx.pid`,
      errorLog: `${prefix}/logs/error.log`,
      accessLog: options.accessLog ? `${prefix}/logs/access.log` : 'off',
      tmp: `${prefix}/tmp`,
      http: `  server { listen ${host}:${port} default_server; server_name _; location / { default_type text/plain; return 200 "${name} bench\\n"; } }
  include ${sitesDir}/*.conf;`,
    }),
  );
  execFileSync('nginx', ['-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    execFileSync('nginx', ['-p', prefix, '-c', conf, '-s', 'quit'], { stdio: 'ignore' });
  };
  ctx.defer(stop); // on Ctrl+C
  return { host, port, prefix, sitesDir, conf, stop };
}
