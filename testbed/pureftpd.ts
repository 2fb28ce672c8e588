// pure-ftpd standalone with a puredb file and one virtual user mapped to hdtest.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { ensureTestUser } from './users';
import { ensureDaemon, ensureDir, p, probeTcp, run, secrets, stopByPidFile } from './util';

export interface FtpInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  passwdFile: string;
  dbFile: string;
  /** The virtual user's home (chroot), owned by hdtest. */
  home: string;
  /** Passive data ports pure-ftpd uses. */
  passivePorts: [number, number];
}

const HOST = '127.0.0.2';
const PORT = 2121;
const USER = 'ftpdemo';
const PASV: [number, number] = [30000, 30099];
const PUREFTPD = '/usr/sbin/pure-ftpd';
const MATCH = 'pure-ftpd'; // it renames itself "pure-ftpd (SERVER)"

function paths() {
  const dir = p('ftp');
  return {
    dir,
    passwd: `${dir}/pureftpd.passwd`,
    db: `${dir}/pureftpd.pdb`,
    stamp: `${dir}/pureftpd.stamp`,
    home: `${dir}/home`,
    pid: `${dir}/pure-ftpd.pid`,
    log: `${dir}/pure-ftpd.log`,
  };
}

export function ftpInfo(): FtpInfo {
  const ps = paths();
  return { host: HOST, port: PORT, user: USER, password: secrets().ftpPassword, passwdFile: ps.passwd, dbFile: ps.db, home: ps.home, passivePorts: PASV };
}

async function ensureDb(): Promise<void> {
  const ps = paths();
  const u = await ensureTestUser();
  const pw = secrets().ftpPassword;
  ensureDir(ps.dir);
  ensureDir(ps.home);
  fs.chownSync(ps.home, u.uid, u.gid);
  const stamp = createHash('sha256').update(`${pw}:${u.uid}:${u.gid}:${ps.home}`).digest('hex');
  let old = '';
  try {
    old = fs.readFileSync(ps.stamp, 'utf8');
  } catch {
    /* none */
  }
  if (old === stamp && fs.existsSync(ps.db)) return;
  fs.rmSync(ps.passwd, { force: true });
  fs.rmSync(ps.db, { force: true });
  // pure-pw reads the password twice from stdin.
  await run('pure-pw', ['useradd', USER, '-f', ps.passwd, '-u', String(u.uid), '-g', String(u.gid), '-d', ps.home], {
    input: `${pw}\n${pw}\n`,
  });
  await run('pure-pw', ['mkdb', ps.db, '-f', ps.passwd]);
  fs.writeFileSync(ps.stamp, stamp);
}

export async function startPureftpd(): Promise<FtpInfo> {
  const ps = paths();
  await ensureDb();
  await ensureDaemon({
    name: 'pure-ftpd',
    pidFile: ps.pid,
    match: MATCH,
    logFile: ps.log,
    probe: async () => (await probeTcp(HOST, PORT, { readBanner: true, timeoutMs: 2000 }))?.startsWith('220') ?? false,
    prepare: async () => {},
    launch: async () => {
      await run(PUREFTPD, [
        '-B', // daemonize
        '-S', `${HOST},${PORT}`,
        '-l', `puredb:${ps.db}`,
        '-g', ps.pid,
        '-E', // no anonymous
        '-H', // no DNS
        '-A', // chroot everyone
        '-j', // create home dirs
        '-p', `${PASV[0]}:${PASV[1]}`,
        '-O', `clf:${ps.log}`,
        '-c', '100',
        '-C', '50',
      ]);
    },
  });
  return ftpInfo();
}

export async function stopPureftpd(): Promise<void> {
  await stopByPidFile(paths().pid, MATCH);
}
