// Pebble, Let's Encrypt's test ACME CA (Debian's pebble), for certificates Hostdeck orders. Its
// validation is real (no PEBBLE_VA_ALWAYS_VALID): HTTP-01 asks port 8080 of the address a name
// resolves to — the testbed nginx on 127.0.0.2:8080 — and names, CAA and DNS-01 TXT records are
// looked up at ns1 (testbed BIND), so a test's names live in a zone pushed there.
// PEBBLE_VA_NOSLEEP=1 drops pebble's random 0-15 s wait before each validation.
// Its API speaks HTTPS with a certificate made here (apiCaFile signs it); the root that issues
// the ordered certificates is made anew at each pebble start and read from its management API.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { nsInfo } from './named';
import { nginxInfo } from './nginx';
import { ensureDaemon, ensureDir, p, probeTcp, run, stopByPidFile, writeIfChanged } from './util';

export interface PebbleInfo {
  /** The ACME directory (https, certificate signed by apiCaFile). */
  directoryUrl: string;
  /** PEM of the CA that signed the certificate of pebble's API and management ports. */
  apiCaFile: string;
  /** PEM of the root that issues ordered certificates (for curl --cacert); changes at each pebble start. */
  issuingRootFile: string;
  /** pebble's output (every request it served). */
  logFile: string;
  /** Where HTTP-01 validation connects, and the resolver pebble asks. */
  httpPort: number;
  dnsServer: string;
}

const HOST = '127.0.0.1';
const API_PORT = 14000;
const MGMT_PORT = 15000;

function paths() {
  const dir = p('pebble');
  return {
    dir,
    conf: `${dir}/pebble-config.json`,
    caKey: `${dir}/api-ca.key`,
    ca: `${dir}/api-ca.pem`,
    key: `${dir}/api.key`,
    cert: `${dir}/api.pem`,
    root: `${dir}/issuing-root.pem`,
    pid: `${dir}/pebble.pid`,
    log: `${dir}/pebble.log`,
  };
}

export function pebbleInfo(): PebbleInfo {
  const ps = paths();
  const ns1 = nsInfo('ns1');
  return { directoryUrl: `https://${HOST}:${API_PORT}/dir`, apiCaFile: ps.ca, issuingRootFile: ps.root, logFile: ps.log, httpPort: nginxInfo().port, dnsServer: `${ns1.host}:${ns1.port}` };
}

/** A CA and the API's certificate (127.0.0.1 and localhost), made once. */
async function ensureApiCert(): Promise<void> {
  const ps = paths();
  if (fs.existsSync(ps.cert) && fs.existsSync(ps.ca)) return;
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', ps.caKey, '-out', ps.ca, '-days', '3650', '-subj', '/CN=Hostdeck testbed pebble API CA']);
  const csr = `${ps.dir}/api.csr`;
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', ps.key, '-out', csr, '-subj', '/CN=localhost']);
  const ext = `${ps.dir}/api.ext`;
  fs.writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ps.ca, '-CAkey', ps.caKey, '-CAcreateserial', '-out', ps.cert, '-days', '3650', '-extfile', ext]);
  fs.rmSync(csr, { force: true });
}

function conf(): string {
  const ps = paths();
  return `${JSON.stringify(
    {
      pebble: {
        listenAddress: `${HOST}:${API_PORT}`,
        managementListenAddress: `${HOST}:${MGMT_PORT}`,
        certificate: ps.cert,
        privateKey: ps.key,
        httpPort: nginxInfo().port,
        tlsPort: 5001,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    },
    null,
    2,
  )}\n`;
}

function getManagement(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: HOST, port: MGMT_PORT, path, ca: fs.readFileSync(paths().ca), timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`pebble ${path}: HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`pebble ${path}: timeout`)));
    req.on('error', reject);
  });
}

export async function startPebble(): Promise<PebbleInfo> {
  const ps = paths();
  const info = pebbleInfo();
  await ensureDaemon({
    name: 'pebble',
    pidFile: ps.pid,
    match: ps.conf,
    logFile: ps.log,
    probe: async () => (await probeTcp(HOST, API_PORT)) !== null && (await probeTcp(HOST, MGMT_PORT)) !== null,
    prepare: async () => {
      ensureDir(ps.dir);
      await ensureApiCert();
      writeIfChanged(ps.conf, conf());
      fs.rmSync(ps.root, { force: true });
    },
    launch: async () => {
      const fd = fs.openSync(ps.log, 'a');
      const child = spawn('/usr/bin/pebble', ['-config', ps.conf, '-dnsserver', info.dnsServer], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, PEBBLE_VA_NOSLEEP: '1' },
      });
      fs.closeSync(fd);
      let exited: string | null = null;
      child.on('exit', (code, signal) => (exited = `exited ${code ?? signal}`));
      child.on('error', (e) => (exited = e.message));
      if (child.pid) fs.writeFileSync(ps.pid, `${child.pid}\n`);
      child.unref();
      return () => exited;
    },
  });
  // The issuing root is new at each pebble start: read it from the running one.
  const root = await getManagement('/roots/0');
  writeIfChanged(ps.root, root);
  return info;
}

export async function stopPebble(): Promise<void> {
  await stopByPidFile(paths().pid, paths().conf);
}
