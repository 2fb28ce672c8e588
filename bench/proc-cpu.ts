// CPU time of processes and threads from /proc, for benches where several programs share the
// machine and throughput moves with whatever else runs: the CPU a side spends per unit of work is
// steadier than its speed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields 3 onwards of a /proc stat file (f[0] is the state), or null once the process is gone. */
function statFields(file: string): number[] | null {
  let stat: string;
  try {
    stat = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
}

/** utime + stime of thread `tid` of process `pid` (the main thread when tid is left out), in seconds. */
export function threadCpuSeconds(pid: number, tid = pid): number {
  const f = statFields(`/proc/${pid}/task/${tid}/stat`);
  if (!f) throw new Error(`thread ${tid} of process ${pid} is gone`);
  return (f[11]! + f[12]!) / CLK_TCK;
}

/** utime + stime of a process (+ cutime + cstime: its reaped children's when `reaped`), in seconds; 0 once it is gone. */
export function processCpuSeconds(pid: string | number, reaped = false): number {
  const f = statFields(`/proc/${pid}/stat`);
  if (!f) return 0;
  return (f[11]! + f[12]! + (reaped ? f[13]! + f[14]! : 0)) / CLK_TCK;
}
