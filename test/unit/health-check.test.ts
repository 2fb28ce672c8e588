// The health check's pure half: the fixed script (run here in sh against real processes named
// like the daemons), reading what it prints (including what other systems print instead), and
// the status rules.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_SCRIPT, checkCommand, judge, knownPids, parseCheckOutput, PS_STEP, type Facts, type KnownPids } from '../../src-main/core/health/check';

// Captured on a Debian testbed machine (2 CPUs).
const DEBIAN = `cpus 2
loadavg 1.28 1.28 0.95 1/132 12962
mem MemTotal: 24684096 kB
mem MemFree: 20146860 kB
mem MemAvailable: 23934748 kB
mem Buffers: 144552 kB
mem Cached: 3666172 kB
df-start
Filesystem     1024-blocks     Used Available Capacity Mounted on
/dev/vda         264212084 25531656  80859256      24% /
df-stop
proc mariadbd 29890
proc pure-ftpd 8817
proc named 29947
proc named 30482
proc nginx 8772
proc nginx 8774
procs 126
end
`;

const facts = (patch: Partial<Facts> = {}): Facts => ({ ...parseCheckOutput(DEBIAN), ...patch });

describe('the check script', () => {
  it('is one fixed line of sh in single quotes, so csh and fish login shells run it too', () => {
    for (const command of [CHECK_SCRIPT, checkCommand({ web: { name: 'nginx', pid: 12 }, db: { name: 'mysqld', pid: 345 } })]) {
      expect(command).toMatch(/^sh -c '[^'\n]+'$/);
      expect(command).not.toMatch(/[!\n\r`]/);
    }
  });

  it('puts only daemon names and whole pids into the script', () => {
    const hostile = { web: { name: 'nginx; touch /tmp/x', pid: 1 }, db: { name: 'mariadbd', pid: 1.5 }, ns: { name: 'named', pid: -3 } } as KnownPids;
    expect(checkCommand(hostile)).toBe(CHECK_SCRIPT);
  });

  // Copies of sleep named like the daemons: live ones, and a zombie (its parent execs sleep and
  // never reaps it), as a killed daemon looks until its parent reaps it.
  let bin = '';
  const children: ChildProcess[] = [];
  const live: Record<string, number> = {};
  let zombie = 0;
  let gone = 0;
  const sleeping = (name: string) => {
    const child = spawn(path.join(bin, name), ['60'], { stdio: 'ignore' });
    children.push(child);
    return child.pid!;
  };
  beforeAll(async () => {
    bin = mkdtempSync(path.join(os.tmpdir(), 'hostdeck-daemons-'));
    for (const name of ['nginx', 'mariadbd', 'pure-ftpd', 'named', 'sleep']) copyFileSync('/bin/sleep', path.join(bin, name));
    for (const name of ['nginx', 'mariadbd', 'pure-ftpd', 'named']) live[name] = sleeping(name);
    const parent = spawn('/bin/sh', ['-c', `"$0" 0 & echo $!; exec "$1" 60`, path.join(bin, 'named'), path.join(bin, 'sleep')], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
    const done = spawn('/bin/true');
    gone = done.pid!;
    await new Promise((resolve) => done.on('exit', resolve));
    // Until the zombie's program has exited (its stat says Z).
    for (let waited = 0; !/^\d+ \(named\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')); waited += 10) {
      if (waited > 5000) throw new Error(`${zombie} did not become a zombie`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(bin, { recursive: true, force: true });
  });
  const run = (known: KnownPids = {}) => execFileSync('/bin/sh', ['-c', checkCommand(known)], { encoding: 'utf8' });
  const procLines = (out: string) => out.split('\n').filter((l) => l.startsWith('proc '));

  it('walks /proc for the daemons, not counting a zombie (a killed daemon not reaped yet) as running', () => {
    const out = run();
    const f = parseCheckOutput(out);
    expect(f).toMatchObject({ ps: true, complete: true, cpus: expect.any(Number), load: expect.any(Object), memory: expect.any(Object) });
    expect(f.disks.map((d) => d.mount)).toContain('/');
    for (const [name, pid] of Object.entries(live)) expect(procLines(out)).toContain(`proc ${name} ${pid}`);
    expect(procLines(out).filter((l) => l.endsWith(` ${zombie}`))).toEqual([]);
    expect(Number(/^procs (\d+)$/m.exec(out)?.[1])).toBeGreaterThan(4);
  });

  it('looks only at the pids it knows when every daemon is found there, and walks /proc again when one is not', () => {
    const known: KnownPids = { web: { name: 'nginx', pid: live.nginx! }, db: { name: 'mariadbd', pid: live.mariadbd! }, ftp: { name: 'pure-ftpd', pid: live['pure-ftpd']! }, ns: { name: 'named', pid: live.named! } };
    const out = run(known);
    expect(procLines(out)).toEqual(['proc nginx', 'proc mariadbd', 'proc pure-ftpd', 'proc named'].map((l, i) => `${l} ${Object.values(known)[i]!.pid}`));
    expect(out).toMatch(/^procs 4$/m);
    const f = parseCheckOutput(out);
    expect(knownPids(f)).toEqual(known);
    expect(judge(f, ['web', 'db', 'ftp', 'ns'])).toMatchObject({ status: expect.stringMatching(/^(ok|warn)$/) });

    // The zombie, a pid that is gone, and a live pid under another daemon's name: walked past.
    for (const ns of [{ name: 'named', pid: zombie }, { name: 'named', pid: gone }, { name: 'named', pid: live.nginx! }]) {
      const again = run({ ...known, ns });
      expect(again).toMatch(/^procs (\d{2,})$/m);
      expect(procLines(again)).toContain(`proc named ${live.named}`);
      expect(procLines(again).filter((l) => l.endsWith(` ${zombie}`))).toEqual([]);
    }
  });

  it('asks ps where there is no /proc, and does not count a zombie there either', () => {
    // A stand-in ps on PATH: the fallback's own ps + awk pipeline reads it.
    const fake = mkdtempSync(path.join(os.tmpdir(), 'hostdeck-ps-'));
    try {
      writeFileSync(path.join(fake, 'ps'), '#!/bin/sh\nprintf "Ss   nginx\\nZ    named\\nSl   mysqld\\nS    nginx-proxy\\n"\n');
      chmodSync(path.join(fake, 'ps'), 0o755);
      const out = execFileSync('/bin/sh', ['-c', `${PS_STEP}; echo end`], { env: { ...process.env, PATH: `${fake}:${process.env.PATH}` }, encoding: 'utf8' });
      const f = parseCheckOutput(out);
      expect([...f.processes].sort()).toEqual(['mysqld', 'nginx']);
      expect(f).toMatchObject({ ps: true, complete: true });
      expect(judge(f, ['web', 'db', 'ns'])).toMatchObject({ status: 'down', reason: 'named is not running.' });
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

describe('parseCheckOutput', () => {
  it('reads load, CPUs, memory, disks and daemons', () => {
    const f = parseCheckOutput(DEBIAN);
    expect(f.cpus).toBe(2);
    expect(f.load).toEqual({ one: 1.28, five: 1.28, fifteen: 0.95 });
    expect(f.memory).toEqual({ totalKb: 24684096, availableKb: 23934748 });
    expect(f.disks).toEqual([{ mount: '/', usedPct: 24 }]);
    expect([...f.processes].sort()).toEqual(['mariadbd', 'named', 'nginx', 'pure-ftpd']);
    expect(knownPids(f)).toEqual({ web: { name: 'nginx', pid: 8772 }, db: { name: 'mariadbd', pid: 29890 }, ftp: { name: 'pure-ftpd', pid: 8817 }, ns: { name: 'named', pid: 29947 } });
    expect(f.ps).toBe(true);
    expect(f.complete).toBe(true);
  });

  it('keeps mount points with spaces and ignores lines it does not know', () => {
    const f = parseCheckOutput(
      `Welcome to web01!\r\n/dev/sdc 1000 990 10 99% /motd\n${DEBIAN.replace('end\n', '')}df-start\n/dev/sdb1 1000 950 50 95% /srv/my data\nweird line\ndf-stop\n/dev/sdd 1000 990 10 99% /after\nproc sshd\nproc mysqld maybe\nproc mysqld 12x\nend\n`,
    );
    expect(f.disks).toEqual([
      { mount: '/', usedPct: 24 },
      { mount: '/srv/my data', usedPct: 95 },
    ]);
    expect(f.processes.has('sshd')).toBe(false);
    expect(f.processes.has('mysqld')).toBe(false);
    expect(f.complete).toBe(true);
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    const f = parseCheckOutput('mem MemTotal: 1000 kB\nmem MemFree: 100 kB\nmem Buffers: 20 kB\nmem Cached: 30 kB\nend\n');
    expect(f.memory).toEqual({ totalKb: 1000, availableKb: 150 });
  });

  it('leaves out what a non-Linux server cannot tell, and notices that ps listed nothing', () => {
    const f = parseCheckOutput('cpus \nloadavg \nprocs 0\nend\n');
    expect(f).toMatchObject({ cpus: null, load: null, memory: null, disks: [], ps: false, complete: true });
  });

  it('notices output cut short (no end line)', () => {
    expect(parseCheckOutput(DEBIAN.replace('end\n', '')).complete).toBe(false);
    expect(parseCheckOutput('').complete).toBe(false);
  });
});

describe('judge', () => {
  it('is ok when every daemon the roles call for runs and nothing is full', () => {
    const v = judge(facts(), ['web', 'db', 'ftp', 'ns']);
    expect(v).toMatchObject({ status: 'ok', reason: 'All checks passed.' });
    expect(v.services).toEqual([
      { name: 'nginx', expected: true, running: true },
      { name: 'mariadbd/mysqld', expected: true, running: true },
      { name: 'pure-ftpd', expected: true, running: true },
      { name: 'named', expected: true, running: true },
    ]);
  });

  it('is down when an expected daemon is not running, naming it', () => {
    const f = facts({ processes: new Set(['pure-ftpd', 'named']) });
    expect(judge(f, ['web'])).toMatchObject({ status: 'down', reason: 'nginx is not running.' });
    expect(judge(f, ['web', 'db']).reason).toBe('nginx and mariadbd/mysqld are not running.');
    expect(judge(f, ['ftp', 'ns']).status).toBe('ok'); // what no role calls for does not count
    expect(judge(f, []).status).toBe('ok');
  });

  it('accepts mysqld for the db role as well as mariadbd', () => {
    expect(judge(facts({ processes: new Set(['mysqld']) }), ['db']).status).toBe('ok');
  });

  it('warns at 90% disk, under 5% available memory, and load above twice the CPUs', () => {
    expect(judge(facts({ disks: [{ mount: '/', usedPct: 89 }, { mount: '/var', usedPct: 90 }] }), []).reason).toBe('/var is 90% full.');
    expect(judge(facts({ memory: { totalKb: 1000, availableKb: 49 } }), []).reason).toBe('Only 4.9% of memory is available.');
    expect(judge(facts({ memory: { totalKb: 1000, availableKb: 50 } }), []).status).toBe('ok');
    expect(judge(facts({ load: { one: 4.01, five: 1, fifteen: 1 } }), []).reason).toBe('Load 4.01 is over 2× its 2 CPUs.');
    expect(judge(facts({ load: { one: 4, five: 1, fifteen: 1 } }), []).status).toBe('ok');
    const many = judge(facts({ disks: [{ mount: '/', usedPct: 97 }], load: { one: 9, five: 1, fifteen: 1 } }), []);
    expect(many).toMatchObject({ status: 'warn', reason: '/ is 97% full; load 9.00 is over 2× its 2 CPUs.' });
  });

  it('raises an alert (red) for what needs action on a running server, such as a stale backup: down > alert > warn', () => {
    const stale = 'the last backup of site shop is 48 h old (its policy allows 25 h)';
    expect(judge(facts(), ['web'], [], [stale])).toMatchObject({ status: 'alert', reason: 'The last backup of site shop is 48 h old (its policy allows 25 h).' });
    const both = judge(facts({ disks: [{ mount: '/', usedPct: 95 }] }), ['web'], ['the certificate of a.test (site shop) expires in 3 days'], [stale]);
    expect(both).toMatchObject({ status: 'alert', reason: `The last backup of site shop is 48 h old (its policy allows 25 h); / is 95% full; the certificate of a.test (site shop) expires in 3 days.` });
    expect(judge(facts(), ['web'], ['the certificate of a.test (site shop) expires in 3 days']).status).toBe('warn');
    expect(judge(facts({ processes: new Set() }), ['web'], [], [stale])).toMatchObject({ status: 'down', reason: 'nginx is not running.' });
  });

  it('puts down before warn', () => {
    const f = facts({ disks: [{ mount: '/', usedPct: 99 }], processes: new Set(['nginx']) });
    expect(judge(f, ['ns'])).toMatchObject({ status: 'down', reason: 'named is not running.' });
  });

  it('warns when it cannot tell whether a daemon runs (ps failed), and says unknown for cut-short output', () => {
    const noPs = parseCheckOutput(DEBIAN.replace(/procs? .*\n/g, '').replace('end\n', 'procs 0\nend\n'));
    expect(judge(noPs, ['web'])).toMatchObject({ status: 'warn', reason: 'Whether nginx runs is unknown (ps did not answer).' });
    expect(judge(noPs, [])).toMatchObject({ status: 'ok' });
    expect(judge(parseCheckOutput('cpus 2\n'), ['web']).status).toBe('unknown');
  });
});
