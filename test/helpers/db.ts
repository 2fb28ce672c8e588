// A core with the testbed's web1 trusted and its MariaDB access set (by login or ~/.my.cnf).
import type { Server } from '../../shared/domain';
import { loadTestbed } from '../../testbed/testbed';
import { makeCore, type TestCore } from './core';

const cores: TestCore[] = [];

export async function dbCore(label: string, access: 'login' | 'mycnf' = 'login', readOnly = false) {
  const tb = loadTestbed();
  const t = await makeCore(label, { trust: [tb.ssh.web1] });
  cores.push(t);
  const server = await t.call<Server>('servers.add', { name: 'db1', host: tb.ssh.web1.host, port: tb.ssh.web1.port, user: 'hdtest', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['db'], tags: [] });
  await t.call(
    'db.setAccess',
    access === 'login'
      ? { serverId: server.id, access: { source: 'login', user: tb.mariadb.adminUser, host: tb.mariadb.host, port: tb.mariadb.port, socketPath: null }, password: tb.mariadb.adminPassword, readOnly }
      : { serverId: server.id, access: { source: 'mycnf' }, readOnly },
  );
  return { ...t, server };
}

/** For afterEach: closes every core dbCore made. */
export async function closeDbCores(): Promise<void> {
  await Promise.all(cores.splice(0).map((c) => c.core.close()));
}
