// One health check = one exec of a fixed POSIX sh script that prints tagged, machine-readable
// lines; parsing and judging them are pure functions (unit-tested without a server).
import type { Role } from '../../../shared/domain';
import type { HealthStatus, ServiceCheck } from '../../../shared/api/health';

/** Daemons per role; any one process name of a role counts (MariaDB may run as mysqld). */
const ROLE_DAEMONS: Record<Role, { name: string; processes: string[] }> = {
  web: { name: 'nginx', processes: ['nginx'] },
  db: { name: 'mariadbd/mysqld', processes: ['mariadbd', 'mysqld'] },
  ftp: { name: 'pure-ftpd', processes: ['pure-ftpd'] },
  ns: { name: 'named', processes: ['named'] },
};

const PROCESSES = Object.values(ROLE_DAEMONS).flatMap((d) => d.processes);

// One line of single-quoted sh: the login shell may be csh or fish, which take neither
// newlines inside quotes nor POSIX syntax, so the script runs in `sh -c '…'`. LC_ALL=C keeps
// df's header and number formats fixed. df: local filesystems only (a hung NFS mount must not
// hang the check), without the in-memory ones and without squashfs images (snaps are always
// 100% full by design); timeout bounds it where coreutils has it. Daemons: ps + awk rather than
// pgrep -x, which counts zombies (a killed daemon its parent has not reaped yet) as running and
// has no state filter before procps-ng 4; awk prints how many processes it saw, so that a
// failing ps is not read as "nothing runs".
const STEPS = [
  'LC_ALL=C',
  'export LC_ALL',
  'echo "cpus $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"',
  'echo "loadavg $(cat /proc/loadavg 2>/dev/null)"',
  'grep -E "^(MemTotal|MemAvailable|MemFree|Buffers|Cached):" /proc/meminfo 2>/dev/null | sed "s/^/mem /"',
  'if command -v timeout >/dev/null 2>&1; then t="timeout 10"; else t=""; fi',
  '$t df -P -l -x tmpfs -x devtmpfs -x overlay -x squashfs 2>/dev/null | sed "1d; s/^/df /"',
  `ps -e -o stat= -o comm= 2>/dev/null | awk "{n++} \\$1 ~ /^Z/ {next} \\$2 ~ /^(${PROCESSES.join('|')})\\$/ {print \\"proc \\" \\$2} END {print \\"procs \\" n+0}"`,
  'echo end',
];
export const CHECK_SCRIPT = `sh -c '${STEPS.join('; ')}'`;

export type Facts = {
  cpus: number | null;
  load: { one: number; five: number; fifteen: number } | null;
  memory: { totalKb: number; availableKb: number } | null;
  disks: { mount: string; usedPct: number }[];
  /** Process names (of ROLE_DAEMONS) seen running. */
  processes: Set<string>;
  /** ps listed the processes (else nothing is known about them). */
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
  const facts: Facts = { cpus: null, load: null, memory: null, disks: [], processes: new Set(), ps: false, complete: false };
  const mem = new Map<string, number>();
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
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
      case 'df': {
        // "df <filesystem> <blocks> <used> <available> <capacity>% <mount point>"; the mount
        // point may hold spaces, so match from the numbers on.
        const m = /^df\s+.*?\s+\d+\s+\d+\s+\d+\s+(\d+)%\s+(\/.*)$/.exec(line);
        if (m) facts.disks.push({ mount: m[2]!, usedPct: Number(m[1]) });
        break;
      }
      case 'proc':
        if (rest.length === 1 && PROCESSES.includes(rest[0]!)) facts.processes.add(rest[0]!);
        break;
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
  const services: ServiceCheck[] = (Object.keys(ROLE_DAEMONS) as Role[]).map((role) => {
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
