// One health check = one run of a fixed POSIX sh script that prints tagged, machine-readable
// lines; parsing and judging them are pure functions (unit-tested without a server).
//
// The script is built to start as few processes as it can, since a tick runs it on every server
// of the fleet: what /proc tells is read with the shell's own `read` (load, memory, daemons), and
// only nproc and df start a program. The daemons cost most: listing every process (as ps does)
// reads a /proc entry per process, so the pid of each daemon seen at the last check is looked at
// first (one /proc/<pid>/stat), and the walk over /proc happens only when a daemon has no pid
// known to be alive (it stopped, moved, or never ran).
import type { Role } from '../../../shared/domain';
import type { HealthStatus, ServiceCheck } from '../../../shared/api/health';

/** Daemons per role; any one process name of a role counts (MariaDB may run as mysqld). */
const ROLE_DAEMONS: Record<Role, { name: string; processes: string[] }> = {
  web: { name: 'nginx', processes: ['nginx'] },
  db: { name: 'mariadbd/mysqld', processes: ['mariadbd', 'mysqld'] },
  ftp: { name: 'pure-ftpd', processes: ['pure-ftpd'] },
  ns: { name: 'named', processes: ['named'] },
};

const ROLES = Object.keys(ROLE_DAEMONS) as Role[];
const PROCESSES = Object.values(ROLE_DAEMONS).flatMap((d) => d.processes);

/** Per role, one process of its daemon seen running at the last check. */
export type KnownPids = Partial<Record<Role, { name: string; pid: number }>>;

// Where there is no /proc to read: ps + awk rather than pgrep -x, which counts zombies (a killed
// daemon its parent has not reaped yet) as running and has no state filter before procps-ng 4;
// awk prints how many processes it saw, so that a failing ps is not read as "nothing runs".
export const PS_STEP = `ps -e -o stat= -o comm= 2>/dev/null | awk "{n++} \\$1 ~ /^Z/ {next} \\$2 ~ /^(${PROCESSES.join('|')})\\$/ {print \\"proc \\" \\$2} END {print \\"procs \\" n+0}"`;

/**
 * The daemon steps: each known pid whose /proc/<pid>/stat still names its daemon in a state other
 * than Z (a zombie: killed, not reaped yet) counts; unless every role's daemon was found that way,
 * every process's comm is read (short) and the stat only of those with a daemon's name. n counts
 * the processes read: 0 means no /proc, and ps answers instead. Lines: "proc <name> <pid>".
 */
function processSteps(known: KnownPids): string[] {
  const checks = ROLES.flatMap((role) => {
    const k = known[role];
    if (!k || !Number.isSafeInteger(k.pid) || k.pid < 1 || !ROLE_DAEMONS[role].processes.includes(k.name)) return [];
    return [`s=; { read -r s < /proc/${k.pid}/stat; } 2>/dev/null && n=$((n+1)); case $s in "${k.pid} (${k.name}) Z"*) ;; "${k.pid} (${k.name}) "*) echo "proc ${k.name} ${k.pid}"; k=$((k+1));; esac`];
  });
  const walk =
    `for d in /proc/[0-9]*; do { read -r c < $d/comm; } 2>/dev/null || continue; n=$((n+1)); case $c in ${PROCESSES.join('|')}) ` +
    `s=; { read -r s < $d/stat; } 2>/dev/null; case $s in "\${d#/proc/} ($c) Z"*) ;; "\${d#/proc/} ($c) "*) echo "proc $c \${d#/proc/}";; esac;; esac; done`;
  return ['n=0; k=0', ...checks, `if [ $k -lt ${ROLES.length} ]; then ${walk}; fi`, `if [ $n -gt 0 ]; then echo "procs $n"; else ${PS_STEP}; fi`];
}

/**
 * The check as one line of sh without single quotes, `!` or backticks, so that `sh -c '…'` runs
 * it from any login shell (csh and fish take neither newlines inside quotes nor POSIX syntax).
 * LC_ALL=C keeps df's header and number formats fixed. df: local filesystems only (a hung NFS
 * mount must not hang the check), without the in-memory ones and without squashfs images (snaps
 * are always 100% full by design), printed as it is between df-start and df-stop; timeout bounds
 * it where coreutils has it. meminfo's first five lines are the ones read (the kernel's order).
 */
export function checkScript(known: KnownPids = {}): string {
  return [
    'LC_ALL=C',
    'export LC_ALL',
    'echo "cpus $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"',
    'l=; { read -r l < /proc/loadavg; } 2>/dev/null; echo "loadavg $l"',
    '{ while read -r m v u; do case $m in MemTotal:|MemFree:|MemAvailable:|Buffers:) echo "mem $m $v $u";; Cached:) echo "mem $m $v $u"; break;; esac; done < /proc/meminfo; } 2>/dev/null',
    'if command -v timeout >/dev/null 2>&1; then t="timeout 10"; else t=""; fi',
    'echo df-start; $t df -P -l -x tmpfs -x devtmpfs -x overlay -x squashfs 2>/dev/null; echo df-stop',
    ...processSteps(known),
    'echo end',
  ].join('; ');
}

/** The check as a command for an exec channel (or any tool that hands it to a login shell). */
export const checkCommand = (known: KnownPids = {}): string => `sh -c '${checkScript(known)}'`;

/** The check with nothing known (every process is looked at), as a command. */
export const CHECK_SCRIPT = checkCommand();

export type Facts = {
  cpus: number | null;
  load: { one: number; five: number; fifteen: number } | null;
  memory: { totalKb: number; availableKb: number } | null;
  disks: { mount: string; usedPct: number }[];
  /** Process names (of ROLE_DAEMONS) seen running. */
  processes: Set<string>;
  /** The first pid seen per process name (where /proc told it). */
  pids: Map<string, number>;
  /** The processes could be listed (else nothing is known about them). */
  ps: boolean;
  /** The script ran to its last line (its output was not cut short). */
  complete: boolean;
};

const num = (s: string | undefined): number | null => {
  if (s === undefined || !/^\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
};

/** Reads the script's output; lines it does not know (a chatty shell rc) are ignored. */
export function parseCheckOutput(stdout: string): Facts {
  const facts: Facts = { cpus: null, load: null, memory: null, disks: [], processes: new Set(), pids: new Map(), ps: false, complete: false };
  const mem = new Map<string, number>();
  let inDf = false;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (inDf) {
      inDf = line !== 'df-stop';
      // "<filesystem> <blocks> <used> <available> <capacity>% <mount point>" (df's header does
      // not match); the mount point may hold spaces, so match from the numbers on.
      const m = /^\S.*?\s+\d+\s+\d+\s+\d+\s+(\d+)%\s+(\/.*)$/.exec(line);
      if (m) facts.disks.push({ mount: m[2]!, usedPct: Number(m[1]) });
      continue;
    }
    const [tag, ...rest] = line.split(/\s+/);
    switch (tag) {
      case 'cpus': {
        const n = num(rest[0]);
        if (n !== null && n >= 1) facts.cpus = n;
        break;
      }
      case 'loadavg': {
        const [one, five, fifteen] = rest.slice(0, 3).map(num);
        if (one != null && five != null && fifteen != null) facts.load = { one, five, fifteen };
        break;
      }
      case 'mem': {
        // "mem MemTotal:  16314524 kB"
        const key = rest[0]?.replace(/:$/, '');
        const kb = num(rest[1]);
        if (key && kb !== null) mem.set(key, kb);
        break;
      }
      case 'df-start':
        inDf = rest.length === 0;
        break;
      case 'proc': {
        // "proc <name> <pid>" from /proc, "proc <name>" from ps
        const [name, pid] = rest;
        if (!name || !PROCESSES.includes(name) || rest.length > 2 || (pid !== undefined && !/^\d+$/.test(pid))) break;
        facts.processes.add(name);
        if (pid !== undefined && !facts.pids.has(name)) facts.pids.set(name, Number(pid));
        break;
      }
      case 'procs':
        facts.ps = (num(rest[0]) ?? 0) > 0;
        break;
      case 'end':
        facts.complete = rest.length === 0;
        break;
    }
  }
  const total = mem.get('MemTotal');
  // Kernels before 3.14 have no MemAvailable: free + buffers + page cache is the old estimate.
  const available = mem.get('MemAvailable') ?? (mem.has('MemFree') ? mem.get('MemFree')! + (mem.get('Buffers') ?? 0) + (mem.get('Cached') ?? 0) : undefined);
  if (total && available !== undefined) facts.memory = { totalKb: total, availableKb: available };
  return facts;
}

/** What to look at first next time: per role, the first of its daemon's processes seen. */
export function knownPids(facts: Facts): KnownPids {
  const known: KnownPids = {};
  for (const role of ROLES) {
    const name = ROLE_DAEMONS[role].processes.find((p) => facts.pids.has(p));
    if (name) known[role] = { name, pid: facts.pids.get(name)! };
  }
  return known;
}

const LIMITS = { diskPct: 90, memoryAvailablePct: 5, loadPerCpu: 2 } as const;

type Verdict = { status: HealthStatus; reason: string; services: ServiceCheck[] };

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Judges a server from what its check printed, plus warnings (e.g. certificates near expiry) and
 * alerts (e.g. stale backups) from elsewhere: down > alert > warn > ok.
 */
export function judge(facts: Facts, roles: readonly Role[], extraWarnings: readonly string[] = [], alerts: readonly string[] = []): Verdict {
  const services: ServiceCheck[] = ROLES.map((role) => {
    const daemon = ROLE_DAEMONS[role];
    const running = facts.ps ? daemon.processes.some((p) => facts.processes.has(p)) : null;
    return { name: daemon.name, expected: roles.includes(role), running };
  });
  const expected = services.filter((s) => s.expected);

  if (!facts.complete) return { status: 'unknown', reason: 'The check script did not run to its end; is this a Linux server with a POSIX sh?', services };

  const stopped = expected.filter((s) => s.running === false).map((s) => s.name);
  if (stopped.length) return { status: 'down', reason: `${list(stopped)} ${stopped.length === 1 ? 'is' : 'are'} not running.`, services };

  const warnings: string[] = [];
  const untold = expected.filter((s) => s.running === null).map((s) => s.name);
  if (untold.length) warnings.push(`whether ${list(untold)} ${untold.length === 1 ? 'runs' : 'run'} is unknown (ps did not answer)`);
  const full = facts.disks.filter((d) => d.usedPct >= LIMITS.diskPct).map((d) => `${d.mount} is ${d.usedPct}% full`);
  warnings.push(...full);
  if (facts.memory && facts.memory.totalKb > 0) {
    const pct = (facts.memory.availableKb / facts.memory.totalKb) * 100;
    if (pct < LIMITS.memoryAvailablePct) warnings.push(`only ${pct.toFixed(1)}% of memory is available`);
  }
  if (facts.load && facts.cpus && facts.load.one > LIMITS.loadPerCpu * facts.cpus) {
    warnings.push(`load ${facts.load.one.toFixed(2)} is over ${LIMITS.loadPerCpu}× its ${facts.cpus} CPU${facts.cpus === 1 ? '' : 's'}`);
  }
  warnings.push(...extraWarnings);
  if (alerts.length || warnings.length) {
    const sentence = [...alerts, ...warnings].join('; ');
    return { status: alerts.length ? 'alert' : 'warn', reason: `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`, services };
  }
  return { status: 'ok', reason: 'All checks passed.', services };
}
