// Certificates for the HTTPS tests, made with the openssl command line: a test CA (per test
// run folder) and leaf certificates signed by it with any names and dates (`openssl ca` sets
// notBefore/notAfter exactly, so expired and not-yet-valid ones are real certificates). Every
// private key made here is registered as a secret for the final scan.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import os from 'node:os';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { registerSecret } from './secrets';

export type TestCa = { dir: string; crt: string; key: string; pem: string };
export type Leaf = { certPem: string; keyPem: string };

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

const CA_CONF = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
`;

export function makeCa(name = 'Hostdeck Test CA'): TestCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hd-tls-ca-'));
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', `/CN=${name}`, '-days', '30']);
  writeFileSync(path.join(dir, 'ca.cnf'), CA_CONF);
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'serial'), '1000\n');
  registerSecret('test CA key', readFileSync(path.join(dir, 'ca.key'), 'utf8'));
  return { dir, crt: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key'), pem: readFileSync(path.join(dir, 'ca.crt'), 'utf8') };
}

/** openssl's date form (YYYYMMDDHHMMSSZ). */
const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

let serial = 0;

/** A leaf signed by the CA: its names as subjectAltName, valid from `from` to `to` (default: an hour ago to 90 days on). */
export function makeLeaf(ca: TestCa, names: string[], o: { from?: Date; to?: Date; keyType?: 'ec' | 'rsa' } = {}): Leaf {
  const id = `leaf${process.pid}-${serial++}`;
  const from = o.from ?? new Date(Date.now() - 3_600_000);
  const to = o.to ?? new Date(Date.now() + 90 * 86_400_000);
  const keyArgs = o.keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(ca.dir, ['req', ...keyArgs, '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${names[0]}`]);
  writeFileSync(path.join(ca.dir, `${id}.ext`), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nbasicConstraints=CA:FALSE\n`);
  openssl(ca.dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${id}.csr`, '-out', `${id}.crt`, '-startdate', stamp(from), '-enddate', stamp(to), '-extfile', `${id}.ext`, '-notext']);
  const keyPem = readFileSync(path.join(ca.dir, `${id}.key`), 'utf8');
  registerSecret(`test certificate key ${names[0]}`, keyPem);
  return { certPem: readFileSync(path.join(ca.dir, `${id}.crt`), 'utf8'), keyPem };
}

/** The key encrypted with a passphrase (PKCS#8, AES-256). */
export function encryptKey(ca: TestCa, keyPem: string, passphrase: string): string {
  const id = `enc${process.pid}-${serial++}`;
  writeFileSync(path.join(ca.dir, `${id}.in`), keyPem, { mode: 0o600 });
  openssl(ca.dir, ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', `${id}.in`, '-out', `${id}.key`, '-passout', `pass:${passphrase}`]);
  return readFileSync(path.join(ca.dir, `${id}.key`), 'utf8');
}

export type HttpsAnswer = { status: number; body: string; headers: Record<string, string | string[] | undefined>; fingerprint: string };

/** GET over HTTPS to host:port with `servername` as SNI and Host, trusting only `caPem`. */
export function httpsGet(o: { host: string; port: number; servername: string; caPem: string; path?: string }): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: o.host, port: o.port, servername: o.servername, path: o.path ?? '/', headers: { Host: o.servername }, ca: o.caPem, agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, fingerprint }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
