// MariaDB with its own datadir, socket and port; admin user hdadmin with a random password.
import * as fs from 'node:fs';
import { ensureDaemon, ensureDir, launchDetached, p, probeTcp, run, secrets, stopByPidFile } from './util';

export interface MariadbInfo {
  host: string;
  port: number;
  socket: string;
  adminUser: string;
  adminPassword: string;
}

const HOST = '127.0.0.1';
const PORT = 3307;
const MARIADBD = '/usr/sbin/mariadbd';
const ADMIN = 'hdadmin';

function paths() {
  const dir = p('mariadb');
  return {
    dir,
    data: `${dir}/data`,
    marker: `${dir}/data/.hostdeck-installed`,
    socket: `${dir}/mysqld.sock`,
    pid: `${dir}/mysqld.pid`,
    log: `${dir}/mysqld.log`,
    tmp: `${dir}/tmp`,
  };
}

export function mariadbInfo(): MariadbInfo {
  return { host: HOST, port: PORT, socket: paths().socket, adminUser: ADMIN, adminPassword: secrets().mariadbAdminPassword };
}

/** Run SQL as root through the socket (unix_socket auth). */
export async function rootSql(sql: string): Promise<string> {
  const r = await run('mariadb', ['--no-defaults', `--socket=${paths().socket}`, '-u', 'root', '-N', '-B', '-e', sql]);
  return r.stdout;
}

export async function startMariadb(): Promise<MariadbInfo> {
  const ps = paths();
  const info = mariadbInfo();
  await ensureDaemon({
    name: 'mariadb',
    pidFile: ps.pid,
    match: MARIADBD,
    logFile: ps.log,
    probe: async () => (await probeTcp(HOST, PORT, { readBanner: true })) !== null && fs.existsSync(ps.socket),
    prepare: async () => {
      ensureDir(ps.dir);
      ensureDir(ps.tmp);
      if (!fs.existsSync(ps.marker)) {
        fs.rmSync(ps.data, { recursive: true, force: true });
        await run('mariadb-install-db', [
          '--no-defaults',
          `--datadir=${ps.data}`,
          '--user=root',
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
          '--skip-name-resolve',
        ]);
        fs.writeFileSync(ps.marker, 'ok\n');
      }
      fs.rmSync(ps.socket, { force: true });
    },
    launch: async () =>
      launchDetached(
        MARIADBD,
        [
          '--no-defaults',
          `--datadir=${ps.data}`,
          `--socket=${ps.socket}`,
          `--port=${PORT}`,
          `--bind-address=${HOST}`,
          '--user=root',
          `--pid-file=${ps.pid}`,
          `--log-error=${ps.log}`,
          `--tmpdir=${ps.tmp}`,
          '--skip-name-resolve',
          // Holds seed.ts's 1M-row shop.orders (~150 MB with its indexes): browsing benchmarks measure
          // the software, not the disk (O_DIRECT: no page cache behind InnoDB).
          '--innodb-buffer-pool-size=256M',
          '--innodb-log-file-size=32M',
          '--innodb-flush-log-at-trx-commit=2',
          '--performance-schema=OFF',
          '--max-connections=300',
        ],
        ps.log,
      ),
    after: async () => {
      const pw = info.adminPassword; // alphanumeric: safe inside quotes
      const stmts: string[] = [];
      for (const h of ['127.0.0.1', 'localhost']) {
        stmts.push(
          `CREATE USER IF NOT EXISTS '${ADMIN}'@'${h}' IDENTIFIED BY '${pw}'`,
          `ALTER USER '${ADMIN}'@'${h}' IDENTIFIED BY '${pw}'`,
          `GRANT ALL ON *.* TO '${ADMIN}'@'${h}' WITH GRANT OPTION`,
        );
      }
      await rootSql(`${stmts.join('; ')};`);
    },
    timeoutMs: 30_000,
  });
  return info;
}

export async function stopMariadb(): Promise<void> {
  await stopByPidFile(paths().pid, MARIADBD, 30_000);
}
