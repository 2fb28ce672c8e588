// A deploy whose archive the server fetches over https, against real https servers on loopback
// (node's https in this process) and web1's real curl. Self-contained trust: a test CA made
// here goes into the test server's system store (/usr/local/share/ca-certificates and
// update-ca-certificates, as an admin makes a server trust a private CA) for this test only;
// Hostdeck's curl trusts that store and nothing else. The trusted server serves the app, a 404,
// a redirect to plain http, and archives past the size limit with and without a Content-Length; a second server's
// certificate comes from a CA the server does not trust; a closed port is unreachable. Each
// failure names its cause and leaves nothing behind.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { makeCa, makeLeaf } from '../helpers/tls';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hddu${tag}`;
const work = `/tmp/hd-deploy-url-${tag}`;
const anchor = `/usr/local/share/ca-certificates/hostdeck-deploy-test-${tag}.crt`;
const servers: https.Server[] = [];

afterAll(() => {
  for (const s of servers) s.close();
  rmSync(anchor, { force: true });
  sh('update-ca-certificates >/dev/null 2>&1');
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf && nginx -s reload -c ${suite.tb.nginx.conf}`);
});

async function serve(leaf: { certPem: string; keyPem: string }, routes: Record<string, (res: import('node:http').ServerResponse) => void>): Promise<number> {
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(res);
    else res.writeHead(404).end('not here');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const failure = (tasks: Task[]) => tasks.find((x) => x.status === 'failed');

describe('deploy from an https URL', () => {
  it('fetches and unpacks over https from a certificate the server trusts; 404, unreachable, a redirect to http, untrusted and too large fail clearly', { timeout: 90_000 }, async () => {
    mkdirSync(`${work}/app`, { recursive: true });
    sh(`echo 'fetched over https' > ${work}/app/index.html && tar -czf ${work}/app.tar.gz -C ${work}/app . && head -c 2500000 /dev/urandom > ${work}/big.tar.gz`);
    const app = readFileSync(`${work}/app.tar.gz`);
    const big = readFileSync(`${work}/big.tar.gz`);

    const ca = makeCa('Hostdeck deploy test CA');
    sh(`cp ${ca.crt} ${anchor} && update-ca-certificates >/dev/null 2>&1`);
    const port = await serve(makeLeaf(ca, ['localhost']), {
      '/app.tar.gz': (res) => res.writeHead(200, { 'Content-Length': app.length }).end(app),
      '/to-http.tar.gz': (res) => res.writeHead(302, { Location: 'http://localhost:1/app.tar.gz' }).end(),
      '/big-known.tar.gz': (res) => res.writeHead(200, { 'Content-Length': big.length }).end(big),
      // No Content-Length: curl cannot refuse it beforehand, the limit must cut the download.
      '/big-chunked.tar.gz': (res) => {
        res.writeHead(200);
        for (let i = 0; i < big.length; i += 65536) res.write(big.subarray(i, i + 65536));
        res.end();
      },
    });
    const stranger = await serve(makeLeaf(makeCa('A CA nobody trusts'), ['localhost']), { '/app.tar.gz': (res) => res.writeHead(200).end(app) });

    const t = await suite.web1('deploy-url', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [`du-${tag}.test`] });
    let tasks = await settleQueue(t, serverId, 60_000);
    expect(failure(tasks)?.stderrTail).toBeUndefined();

    await t.call('deploy.run', { serverId, site, source: { kind: 'url', url: `https://localhost:${port}/app.tar.gz` }, target: 'fetched' });
    tasks = await settleQueue(t, serverId, 30_000);
    expect(failure(tasks)?.stderrTail, JSON.stringify(tasks.map((x) => x.status))).toBeUndefined();
    expect(readFileSync(`/home/${site}/public_html/fetched/index.html`, 'utf8')).toBe('fetched over https\n');
    expect(sh(`stat -c %U /home/${site}/public_html/fetched/index.html`)?.trim()).toBe(site);

    const bad = [
      [`https://localhost:${port}/missing.tar.gz`, /the web server answered with an error: .*404/],
      ['https://127.0.0.1:1/app.tar.gz', /the address could not be reached/],
      [`https://localhost:${port}/to-http.tar.gz`, /it leads to an address that is not https/],
      [`https://localhost:${stranger}/app.tar.gz`, /its certificate is not trusted by this server/],
      [`https://localhost:${port}/big-known.tar.gz`, /larger than the limit of 1048576 bytes/],
      [`https://localhost:${port}/big-chunked.tar.gz`, /larger than the limit of 1048576 bytes/],
    ] as const;
    for (const [url, why] of bad) {
      await t.call('deploy.run', { serverId, site, source: { kind: 'url', url }, target: 'never', maxUnpackedMb: 1 });
      tasks = await settleQueue(t, serverId, 30_000);
      const failed = failure(tasks);
      expect(failed?.kind, url).toBe('deploy.unpack');
      expect(failed?.stderrTail, url).toMatch(why);
      expect(failed?.stderrTail).toContain('nothing was unpacked');
      await t.call('queue.skip', { serverId });
      expect(existsSync(`/home/${site}/public_html/never`)).toBe(false);
      expect(sh(`ls -A /home/${site}/.hostdeck-deploy | grep -c '^download-'`)?.trim() ?? '0', url).toBe('0');
    }
  });
});
