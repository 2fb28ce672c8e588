// For the hosting tests: a shell on the test server (this machine), waiting for a queue, and
// asking the testbed's nginx for a host name.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { Client } from 'basic-ftp';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';
import type { HostingSettings } from '../../shared/api/hosting';
import type { Task } from '../../shared/queue';
import type { TestCore } from './core';

/** Runs a command on the test server; its stdout, or null when it fails. */
export function sh(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** Waits until the server's queue is idle — nothing running, and nothing pending or stopped at a failure; returns the tasks. */
export async function settleQueue(t: Pick<TestCore, 'call'>, serverId: string, timeout = 30_000): Promise<Task[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const { tasks } = await t.call<{ tasks: Task[] }>('queue.list', { serverId });
    const failed = tasks.some((x) => x.status === 'failed');
    if (tasks.every((x) => x.status !== 'running' && (failed || x.status !== 'pending'))) return tasks;
    if (Date.now() > deadline) throw new Error(`queue did not settle: ${tasks.map((x) => `${x.kind}:${x.status}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * GET / from the testbed's nginx with this Host: status and body. A connection an old worker
 * drops while nginx reloads (other tests reload it at any moment) is asked again, as a browser would.
 */
export async function nginxGet(host: string): Promise<{ status: number; body: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getOnce(host);
    } catch (error) {
      if (attempt >= 5 || !/socket hang up|ECONNRESET/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function getOnce(host: string): Promise<{ status: number; body: string }> {
  const { nginx } = loadTestbed();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: nginx.host, port: nginx.port, path: '/', headers: { Host: host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** Web settings for the testbed's nginx: HTTPS on the TLS port, certificates under the state folder. */
export function testbedWebSettings(tb: TestbedInfo, suspendedDir = `${tb.root}/nginx-suspended`): HostingSettings['web'] {
  return { vhostDir: tb.nginx.sitesDir, nginxConf: tb.nginx.conf, listen: `${tb.nginx.host}:${tb.nginx.port}`, suspendedDir, tlsDir: `${tb.root}/tls`, tlsListen: `${tb.nginx.host}:${tb.nginx.tlsPort}` };
}

/** Hosting settings that point a site's tasks at the testbed's pure-ftpd, nginx and MariaDB. */
export function testbedHostingSettings(tb: TestbedInfo, suspendedDir = `${tb.root}/nginx-suspended`): HostingSettings {
  return {
    ftp: { passwdFile: tb.ftp.passwdFile, dbFile: tb.ftp.dbFile },
    web: testbedWebSettings(tb, suspendedDir),
    mysql: { socket: tb.mariadb.socket, defaultsFile: null },
  };
}

/** SQL as the testbed MariaDB's root (over its socket); the result as tab-separated text. */
export function mariadbRoot(sql: string): string {
  return execFileSync('mariadb', ['--no-defaults', `--socket=${loadTestbed().mariadb.socket}`, '-u', 'root', '-N', '-B', '-e', sql], { encoding: 'utf8' });
}

/** SHOW DATABASES as a database user (its password through the environment), sorted, or null when refused. */
export function databasesAs(user: string, password: string): string[] | null {
  try {
    const out = execFileSync('mariadb', ['--no-defaults', `--socket=${loadTestbed().mariadb.socket}`, '-u', user, '-N', '-B', '-e', 'SHOW DATABASES'], { encoding: 'utf8', env: { ...process.env, MYSQL_PWD: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n').sort();
  } catch {
    return null;
  }
}

/** Whether a real FTP client logs in to the testbed's pure-ftpd (false when the login is refused; other errors throw). */
export async function ftpLogsIn(user: string, password: string): Promise<boolean> {
  const { ftp } = loadTestbed();
  const client = new Client(20_000);
  try {
    await client.access({ host: ftp.host, port: ftp.port, user, password, secure: false });
    return true;
  } catch (error) {
    if (!/530|Login authentication failed|auth/i.test(String(error))) throw error;
    return false;
  } finally {
    client.close();
  }
}
