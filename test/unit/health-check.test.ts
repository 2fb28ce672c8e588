// The health check's pure half: the fixed script, reading what it prints (including what other
// systems print instead), and the status rules.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_SCRIPT, judge, parseCheckOutput, type Facts } from '../../src-main/core/health/check';

// Captured on a Debian testbed machine (2 CPUs).
const DEBIAN = `cpus 2
loadavg 1.28 1.28 0.95 1/132 12962
mem MemTotal:       24684096 kB
mem MemFree:        20146860 kB
mem MemAvailable:   23934748 kB
mem Buffers:          144552 kB
mem Cached:          3666172 kB
df /dev/vda         264212084 25531656  80859256      24% /
proc mariadbd
proc pure-ftpd
proc named
proc named
proc nginx
proc nginx
procs 126
end
`;

const facts = (patch: Partial<Facts> = {}): Facts => ({ ...parseCheckOutput(DEBIAN), ...patch });

describe('the check script', () => {
  it('is one fixed line of sh in single quotes, so csh and fish login shells run it too', () => {
    expect(CHECK_SCRIPT).toMatch(/^sh -c '[^'\n]+'$/);
    expect(CHECK_SCRIPT).not.toMatch(/[!\n\r`]/);
  });

  it('runs in sh and does not count a zombie (a killed daemon not reaped yet) as running', () => {
    // A stand-in ps on PATH: the script's own ps + awk pipeline reads it.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'hostdeck-ps-'));
    try {
      writeFileSync(path.join(bin, 'ps'), '#!/bin/sh\nprintf "Ss   nginx\\nZ    named\\nSl   mysqld\\nS    nginx-proxy\\n"\n');
      chmodSync(path.join(bin, 'ps'), 0o755);
      const out = execFileSync('/bin/sh', ['-c', CHECK_SCRIPT], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      const f = parseCheckOutput(out);
      expect([...f.processes].sort()).toEqual(['mysqld', 'nginx']);
      expect(f).toMatchObject({ ps: true, complete: true, cpus: expect.any(Number) });
      expect(judge(f, ['web', 'db', 'ns'])).toMatchObject({ status: 'down', reason: 'named is not running.' });
    } finally {
      rmSync(bin, { recursive: true, force: true });
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
    expect(f.ps).toBe(true);
    expect(f.complete).toBe(true);
  });

  it('keeps mount points with spaces and ignores lines it does not know', () => {
    const f = parseCheckOutput(`Welcome to web01!\r\n${DEBIAN.replace('end\n', '')}df /dev/sdb1 1000 950 50 95% /srv/my data\ndf weird line\nproc sshd\nproc mysqld maybe\nend\n`);
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
