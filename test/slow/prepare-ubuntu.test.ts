// "Prepare server" on a real fresh Ubuntu 24.04 machine (testbed/fresh-root.ts: mmdebstrap's
// minimal noble root, main and universe, its archive key checked against the pinned fingerprint;
// its own sshd, network, PIDs and mounts; no systemd). First the base role as the cloud images'
// ubuntu user through sudo (no password asked); then every role as root through the queue; a site
// with a domain (nginx, and Ubuntu's PHP 8.3 pool for a .php page), an FTP login, a database and a
// pushed zone are each served from it. A second preparation changes nothing.
// Skipped, saying why, where Ubuntu's archive cannot be reached (the machine's packages come from it).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../shared/api/prepare';
import type { Server } from '../../shared/domain';
import type { AptProxy } from '../../testbed/apt-proxy';
import { UBUNTU_RELEASE_URLS, startFreshAptProxy, startFreshServer, stopFreshServer, type FreshServer } from '../../testbed/fresh-root';
import { ensureClientKeys } from '../../testbed/keys';
import { makeCore, type TestCore } from '../helpers/core';
import { expectDone, freshMachine, outcome } from '../helpers/fresh-machine';

/** Why the test cannot run here, or null: Ubuntu's archive and its security mirror answer. */
async function unreachable(): Promise<string | null> {
  for (const url of UBUNTU_RELEASE_URLS) {
    try {
      const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
      if (!res.ok) return `Ubuntu's archive answered HTTP ${res.status} for ${url}`;
    } catch (error) {
      return `Ubuntu's archive cannot be reached from this machine (${url}: ${(error as Error).cause ?? (error as Error).message})`;
    }
  }
  return null;
}
const skipReason = await unreachable();
if (skipReason) console.warn(`prepare-ubuntu skipped: ${skipReason}`);

let machine: FreshServer;
let proxy: AptProxy;
let t: TestCore;
let keyPath: string;

beforeAll(async () => {
  if (skipReason) return;
  const keys = await ensureClientKeys();
  keyPath = keys.ed25519.path;
  proxy = await startFreshAptProxy();
  // The root is built once (mmdebstrap, a few minutes) and cached; later runs unpack it.
  machine = await startFreshServer(readFileSync(keys.ed25519.publicPath, 'utf8'), 'ubuntu2404');
  t = await makeCore('prepare-ubuntu', { trust: [{ host: machine.host, port: machine.port, hostKeyLine: machine.hostKeyLine }] });
}, 900_000);

afterAll(async () => {
  await t?.core.close();
  await proxy?.close();
  if (machine && !process.env.HOSTDECK_KEEP_FRESH) await stopFreshServer(machine.dir);
});

describe('Prepare server on a fresh Ubuntu 24.04 machine', () => {
  it.skipIf(skipReason !== null)('prepares base as the ubuntu user through sudo, every role as root, serves a site (PHP 8.3), FTP, a database and a zone, and changes nothing the second time', { timeout: 1_200_000 }, async () => {
    const { onMachine, prepare, expectServes } = freshMachine(t, machine, keyPath);
    // As on Ubuntu's cloud images: the admin logs in as ubuntu by key, and sudo asks it for nothing.
    onMachine('useradd -m -s /bin/bash -G sudo ubuntu && install -d -m 700 -o ubuntu -g ubuntu /home/ubuntu/.ssh && install -m 600 -o ubuntu -g ubuntu /root/.ssh/authorized_keys /home/ubuntu/.ssh/ && echo "ubuntu ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/90-cloud-init-users && chmod 0440 /etc/sudoers.d/90-cloud-init-users');
    const asUbuntu = await t.call<Server>('servers.add', { name: 'fresh-ubuntu-user', host: machine.host, port: machine.port, user: 'ubuntu', auth: { method: 'key', keyPath }, roles: [], tags: [] });
    const userReport = await t.call<PreflightReport>('prepare.preflight', { serverId: asUbuntu.id });
    expect(userReport.os).toMatchObject({ id: 'ubuntu', version: '24.04' });
    expect(userReport.supported).toBe(true);
    expect(userReport.login).toEqual({ user: 'ubuntu', sudo: 'nopasswd', sudoPassword: null });
    const base = await prepare(asUbuntu.id, ['base']);
    expectDone(base, true);
    expect(base.tasks.find((x) => x.kind === 'prepare.ssh-harden')!.stdoutTail).toMatch(/changed: sshd reloaded: key logins only[\s\S]*verified: a second login by key/);
    expectDone(await prepare(asUbuntu.id, ['base']), false);
    console.log(`Ubuntu 24.04, base as ubuntu through sudo -n: ${base.ms} ms`);

    const server = await t.call<Server>('servers.add', { name: 'fresh-ubuntu', host: machine.host, port: machine.port, user: 'root', auth: { method: 'key', keyPath }, roles: ['web', 'db', 'ftp', 'ns'], tags: [] });
    const serverId = server.id;

    const report = await t.call<PreflightReport>('prepare.preflight', { serverId });
    expect(report.os).toMatchObject({ id: 'ubuntu', version: '24.04' });
    expect(report.supported).toBe(true);
    expect(report.systemd).toBe(false);
    expect(report.login).toEqual({ user: 'root', sudo: 'root', sudoPassword: null });
    expect(report.software.find((s) => s.name === 'nginx')?.version).toBeNull();

    const first = await prepare(serverId);
    for (const x of first.tasks) expect(x.status, outcome(x)).toBe('done');
    expect(first.tasks.map((x) => x.kind)).toEqual(['prepare.base', 'prepare.web', 'prepare.db', 'prepare.ftp', 'prepare.ns', 'prepare.firewall', 'prepare.ssh-check', 'prepare.ssh-harden']);
    expect(first.tasks.find((x) => x.kind === 'prepare.web')!.stdoutTail).toMatch(/changed: installed/);
    console.log(`Ubuntu 24.04, first preparation: ${first.ms} ms (${first.tasks.map((x) => `${x.kind} ${x.ms} ms`).join(', ')}); apt proxy: ${proxy.hits()} cached, ${proxy.misses()} fetched`);

    const second = await prepare(serverId);
    expectDone(second, false);
    console.log(`Ubuntu 24.04, second preparation: ${second.ms} ms`);
    expect(onMachine('sshd -T | grep -i "^passwordauthentication"').trim()).toBe('passwordauthentication no');
    expect(onMachine('nft list table inet hostdeck')).toMatch(/policy drop/);
    // Ubuntu 24.04's PHP, as the preflight now reads it.
    const after = await t.call<PreflightReport>('prepare.preflight', { serverId });
    expect(after.phpFpm).toEqual(['8.3']);

    await expectServes(serverId, { site: 'ubusite', domain: 'ubuntu-site.test', phpVersion: '8.3', zone: 'ubuntu-zone.test', address: '192.0.2.45' });
  });
});
