// 2000 sequential `SELECT 1` round trips with mysql2 to the testbed's MariaDB, which listens on
// the server's loopback only: direct (the floor, measured on the server itself) vs through
// Hostdeck's SSH connection — the forwardOut channel handed to mysql2 as its stream (how the
// core's database pools connect), and through a local port forward. Goals: at most 1.3x direct;
// like for like with OpenSSH's `ssh -L` (default cipher, as its users run it): the SSH channel and
// our local forward each no slower than mysql2 through OpenSSH's local forward.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { keyOnlyAuth } from '../src-main/core/ssh/auth';
import { connect, forwardOut } from '../src-main/core/ssh/connect';
import { parseKnownHosts } from '../src-main/core/ssh/known-hosts';
import { openTunnel } from '../src-main/core/ssh/tunnel';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { startOpenSshForward } from './openssh';

export const name = 'query-rtt';

const QUERIES = 2000;
const ROUNDS = 5;

async function time(conn: mysql.Connection): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < QUERIES; i++) await conn.query('SELECT 1');
  return performance.now() - started;
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  const web1 = testbed.ssh.web1;
  const db = { user: testbed.mariadb.adminUser, password: testbed.mariadb.adminPassword };
  const { client } = await connect({
    target: { host: web1.host, port: web1.port, user: testbed.users.hdtest.name, auth: { method: 'key', keyPath: testbed.keys.ed25519.path } },
    auth: keyOnlyAuth(testbed.users.hdtest.name, readFileSync(testbed.keys.ed25519.path)),
    policy: { pin: null, knownHosts: parseKnownHosts(`[${web1.host}]:${web1.port} ${web1.hostKeyLine}`) },
  });
  ctx.defer(() => client.end());
  const tunnel = await openTunnel(client, { remoteHost: testbed.mariadb.host, remotePort: testbed.mariadb.port });
  ctx.defer(tunnel.close);

  const direct = await mysql.createConnection({ host: testbed.mariadb.host, port: testbed.mariadb.port, ...db });
  const viaChannel = await mysql.createConnection({ ...db, stream: await forwardOut(client, testbed.mariadb.host, testbed.mariadb.port) });
  const viaTunnel = await mysql.createConnection({ host: '127.0.0.1', port: tunnel.localPort, ...db });
  const openssh = await startOpenSshForward(ctx, testbed.mariadb.port, null, testbed.mariadb.host);
  const viaOpenSsh = await mysql.createConnection({ host: '127.0.0.1', port: openssh.port, ...db });
  ctx.defer(() => Promise.all([direct.end(), viaChannel.end(), viaTunnel.end(), viaOpenSsh.end()]));

  const ways = { direct, channel: viaChannel, tunnel: viaTunnel, openssh: viaOpenSsh };
  const runs = Object.fromEntries(Object.keys(ways).map((k) => [k, [] as number[]])) as Record<keyof typeof ways, number[]>;
  for (const conn of Object.values(ways)) await time(conn); // warm-up
  for (let round = 0; round < ROUNDS; round++) for (const [way, conn] of Object.entries(ways)) runs[way as keyof typeof ways].push(await time(conn));
  const [d, c, t, o] = [median(runs.direct), median(runs.channel), median(runs.tunnel), median(runs.openssh)];
  ctx.log(`${QUERIES} x SELECT 1, median of ${ROUNDS}: direct ${d.toFixed(0)} ms, SSH channel ${c.toFixed(0)} ms, local forward ${t.toFixed(0)} ms, OpenSSH -L (${openssh.cipher}) ${o.toFixed(0)} ms`);
  const vsDirect = { name, unit: 'ms', peer: d, peerName: 'mysql2 direct on the server (no SSH)', goal: '<= 1.3' };
  const vsOpenSsh = { name, unit: 'ms', peer: o, peerName: `mysql2 through OpenSSH ssh -L (${openssh.cipher})`, goal: '<= 1.0' };
  return [
    entry({ ...vsDirect, metric: `${QUERIES} x SELECT 1 through the SSH channel as mysql2's stream (median of ${ROUNDS})`, hostdeck: c }),
    entry({ ...vsDirect, metric: `${QUERIES} x SELECT 1 through a local port forward (median of ${ROUNDS})`, hostdeck: t }),
    entry({ ...vsOpenSsh, metric: `${QUERIES} x SELECT 1 through the SSH channel as mysql2's stream (median of ${ROUNDS})`, hostdeck: c }),
    entry({ ...vsOpenSsh, metric: `${QUERIES} x SELECT 1 through a local port forward, like for like (median of ${ROUNDS})`, hostdeck: t }),
  ];
}
