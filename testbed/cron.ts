// Debian's cron daemon, for the sites' cron jobs. cron cannot be pointed at another folder: it
// reads the machine's real /etc/cron.d (and /etc/crontab, the spool), so the tests write their
// hostdeck-<site> files there and remove them. Started with -L 15 (log starts, ends and failures),
// which also tells the testbed's instance from a cron the machine runs for itself: a machine cron
// is left alone and used as it is (it reads the same folder).
import * as fs from 'node:fs';
import { findProcs, livePid, run, sleep, stopByPidFile, waitFor } from './util';

export interface CronInfo {
  /** The folder cron reads job files from. */
  dir: string;
  pidFile: string;
}

const BINARY = '/usr/sbin/cron';
const PID_FILE = '/run/crond.pid';
const MATCH = `${BINARY} -L 15`;
const DIR = '/etc/cron.d';

export async function startCron(): Promise<CronInfo> {
  if (!fs.existsSync(BINARY)) throw new Error('cron is not installed (apt-get install cron; see scripts/system-packages.txt)');
  const info = { dir: DIR, pidFile: PID_FILE };
  if (livePid(PID_FILE, 'cron') !== null) return info;
  fs.rmSync(PID_FILE, { force: true });
  fs.mkdirSync(DIR, { recursive: true });
  await run(BINARY, ['-L', '15']);
  await waitFor('cron to start', async () => livePid(PID_FILE, MATCH) !== null, { timeoutMs: 10_000 });
  return info;
}

/** Stops the testbed's cron only (one the machine runs for itself has other arguments). */
export async function stopCron(): Promise<void> {
  await stopByPidFile(PID_FILE, MATCH);
  // A cron started before the pid file was written (or whose file was removed) is found by name.
  const left = findProcs(MATCH);
  for (const pid of left) process.kill(pid, 'SIGTERM');
  if (left.length > 0) await sleep(200);
}
