// CPU time of one thread (or a single-threaded process) from /proc, for benches where several
// programs share the machine and throughput moves with whatever else runs: the CPU a side spends
// per unit of work is steadier than its speed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of thread `tid` of process `pid` (the main thread when tid is left out), in seconds. */
export function threadCpuSeconds(pid: number, tid = pid): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number); // f[0] is field 3 (state)
  return (f[11]! + f[12]!) / CLK_TCK;
}
