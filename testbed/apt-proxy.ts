// The fresh machine's way to Debian's mirror (its namespace has no route out): a forward HTTP
// proxy apt is pointed at, run by the test process on the namespace's root side. Package files
// (/pool/, immutable by name) are kept on disk, so later runs download nothing; indexes always
// go to the mirror.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

export type AptProxy = { close(): Promise<void>; hits: () => number; misses: () => number };

export function startAptProxy(host: string, port: number, cacheDir: string): Promise<AptProxy> {
  let hits = 0;
  let misses = 0;
  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== 'GET' || url.protocol !== 'http:') {
      res.writeHead(405).end();
      return;
    }
    const cacheable = url.pathname.includes('/pool/') && url.pathname.endsWith('.deb');
    const file = path.join(cacheDir, `${createHash('sha256').update(url.href).digest('hex')}.deb`);
    if (cacheable && fs.existsSync(file)) {
      hits++;
      res.writeHead(200, { 'content-type': 'application/vnd.debian.binary-package', 'content-length': fs.statSync(file).size });
      fs.createReadStream(file).pipe(res);
      return;
    }
    misses++;
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: url.host };
    delete headers['proxy-connection'];
    const upstream = http.get(url, { headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (cacheable && up.statusCode === 200) {
        const tmp = `${file}.tmp-${process.pid}-${misses}`;
        const out = fs.createWriteStream(tmp);
        up.pipe(out);
        out.on('finish', () => fs.renameSync(tmp, file));
      }
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
        hits: () => hits,
        misses: () => misses,
      }),
    );
  });
}
