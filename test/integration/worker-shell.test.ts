// The persistent worker shell against the real sshd: framing, isolation between runs, stdin,
// hostile script text, timeout, a channel closing under pending runs, the server-side task lock
// kept across back-to-back exclusive runs and given back when idle, and speed against one exec
// channel per command.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LOCK_HOLD_MAX_MS, LOCK_IDLE_RELEASE_MS, openWorkerShell, type WorkerShell } from '../../src-main/core/queue/worker-shell';
import { exec } from '../../src-main/core/ssh/connect';
import { shQuote } from '../../src-main/core/ssh/sh-quote';
import { coreSuite } from '../helpers/core';
import { registerSecret } from '../helpers/secrets';

const suite = coreSuite();
/** A `sleep` no other run (of this or an earlier test run) has: its processes can be counted. */
const uniqueSleep = () => `sleep 40.${Math.floor(Math.random() * 1e6)}`;

async function setup(label: string) {
  const t = await suite.web1(label);
  const lease = await t.core.connections.acquire(t.server.id);
  const shells: WorkerShell[] = [];
  const open = async () => {
    const shell = await openWorkerShell(lease.client());
    shells.push(shell);
    return shell;
  };
  /** How many processes run exactly `args` on the server. */
  const count = async (args: string) => Number((await exec(lease.client(), `ps -eo args | grep -cx -- '${args}' || true`)).stdout.trim());
  const done = () => {
    for (const s of shells) s.close();
    lease.release();
  };
  return { ...t, lease, open, count, done };
}

describe('worker shell', () => {
  it('is much faster per command than an exec channel (1000 sequential runs)', async () => {
    const { lease, open, done } = await setup('ws-speed');
    const shell = await open();
    const N = 1000;
    for (let i = 0; i < 50; i++) await shell.run('true'); // warm-up
    let started = performance.now();
    for (let i = 0; i < N; i++) {
      const r = await shell.run('true');
      if (r.code !== 0) throw new Error(`run ${i}: code ${r.code}`);
    }
    const perShell = (performance.now() - started) / N;
    const E = 50;
    started = performance.now();
    for (let i = 0; i < E; i++) await exec(lease.client(), 'true');
    const perExec = (performance.now() - started) / E;
    console.log(`[worker-shell] per command: worker shell ${perShell.toFixed(3)} ms (${N} runs), exec channel ${perExec.toFixed(2)} ms (${E} runs), ${(perExec / perShell).toFixed(0)}x`);
    expect(perShell).toBeLessThan(perExec);
    done();
  }, 120_000);

  it('keeps the task lock across back-to-back exclusive runs, gives it back when idle, and never lends it to what a run leaves behind', async () => {
    const { lease, open, count, done } = await setup('ws-lock');
    const shell = await open();
    const lockFile = shell.lockFile;
    if (!lockFile) throw new Error('web1 offers no task lock');
    /** Whether another process (another workstation's queue) could take the lock now. */
    const free = async () => (await exec(lease.client(), `flock -n ${shQuote(lockFile)} true && echo free || echo busy`)).stdout.trim() === 'free';
    const sleeper = uniqueSleep();
    // A run that leaves a background process behind: it must not inherit the lock, which would
    // then outlive the shell (closed here while it holds the lock).
    const first = await open();
    expect((await first.run(`${sleeper} >/dev/null 2>&1 &`, { exclusive: true })).code).toBe(0);
    expect(await free()).toBe(false);
    first.close();
    const deadline = Date.now() + 5000;
    while (!(await free()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await count(sleeper)).toBe(1);
    expect(await free()).toBe(true);
    expect(await shell.run('echo in-lock', { exclusive: true })).toMatchObject({ code: 0, stdout: 'in-lock\n' });
    expect(await shell.run('echo still', { exclusive: true })).toMatchObject({ code: 0, stdout: 'still\n' });
    expect(await free()).toBe(false);
    await new Promise((r) => setTimeout(r, LOCK_IDLE_RELEASE_MS + 400));
    expect(await free()).toBe(true);
    // A run's exit code 75 is its own, not a lock failure: the lock is still taken and given back.
    expect((await shell.run('exit 75', { exclusive: true })).code).toBe(75);
    expect(await free()).toBe(false);
    await new Promise((r) => setTimeout(r, LOCK_IDLE_RELEASE_MS + 400));
    expect(await free()).toBe(true);
    await exec(lease.client(), `pkill -xf ${shQuote(sleeper)} || true`);
    done();
  });

  it('gives another queue its turn during a long burst of exclusive runs', async () => {
    const { open, done } = await setup('ws-lock-turns');
    const [a, b] = [await open(), await open()];
    const burstEnds = { at: 0 };
    const burst = (async () => {
      for (let i = 0; i < 80; i++) await a.run('sleep 0.05', { exclusive: true });
      burstEnds.at = performance.now();
    })();
    await new Promise((r) => setTimeout(r, 300));
    const asked = performance.now();
    expect((await b.run('echo b', { exclusive: true })).stdout).toBe('b\n');
    const waited = performance.now() - asked;
    await burst;
    // The burst lasts about 4 s; b waits at most one hold period (plus scheduling on a busy machine).
    expect(burstEnds.at).toBeGreaterThan(asked + waited);
    expect(waited).toBeLessThan(LOCK_HOLD_MAX_MS + 1500);
    done();
  }, 60_000);

  it('reports exit codes and keeps stdout and stderr apart, byte for byte', async () => {
    const { open, done } = await setup('ws-framing');
    const shell = await open();
    expect((await shell.run('true')).code).toBe(0);
    expect((await shell.run('exit 3')).code).toBe(3);
    const missing = await shell.run('no-such-command-hd');
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
    expect(missing.stdout).toBe('');
    expect(await shell.run("printf 'out'; printf 'err' >&2")).toMatchObject({ code: 0, stdout: 'out', stderr: 'err' });
    expect(await shell.run("printf 'a\\nb\\n\\n'; printf 'x\\n' >&2; exit 7")).toMatchObject({ code: 7, stdout: 'a\nb\n\n', stderr: 'x\n' });
    const binary = await shell.run("printf '\\001\\002\\177\\033[0m\\r\\t héllo ✓'");
    expect(binary.stdout).toBe('\u0001\u0002\u007f\u001b[0m\r\t héllo ✓');
    const big = await shell.run('i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done');
    expect(big.stdout.split('\n')).toHaveLength(20001);
    expect(big.stdout.endsWith('line 19999\n')).toBe(true);
    // Text that looks like framing (another run's markers) is just output.
    const fake = await shell.run("printf '__HD_0123456789abcdef0123456789abcdef_END_0\\n'; printf '__HD_0123456789abcdef0123456789abcdef_END\\n' >&2; exit 4");
    expect(fake).toMatchObject({ code: 4, stdout: '__HD_0123456789abcdef0123456789abcdef_END_0\n', stderr: '__HD_0123456789abcdef0123456789abcdef_END\n' });
    done();
  });

  it('runs each script in its own subshell: exit, cd and variables do not leak', async () => {
    const { open, done } = await setup('ws-isolation');
    const shell = await open();
    const home = (await shell.run('pwd')).stdout;
    expect((await shell.run('cd /tmp; X=leaked; set -e; trap "echo trap" EXIT; exit 5')).code).toBe(5);
    expect(await shell.run('pwd; echo "[$X]"; false; echo still')).toMatchObject({ code: 0, stdout: `${home}[]\nstill\n`, stderr: '' });
    // A script cannot eat the command stream: its stdin is /dev/null.
    expect(await shell.run('cat; echo after')).toMatchObject({ code: 0, stdout: 'after\n' });
    expect((await shell.run('echo $$')).stdout).toBe((await shell.run('echo $$')).stdout); // the same shell serves every run
    done();
  });

  it('delivers stdin exactly and never on a command line', async () => {
    const { open, done } = await setup('ws-stdin');
    const shell = await open();
    const text = `p@ss'w"ord $HOME \`id\` $(id) \\n \\\\ ' '' ünïcødé ✓ 🚀\nsecond line\n\n  trailing spaces  `;
    expect(await shell.run('cat', { stdin: text })).toMatchObject({ code: 0, stdout: text, stderr: '' });
    expect((await shell.run('wc -c', { stdin: text })).stdout.trim()).toBe(String(Buffer.byteLength(text)));
    expect((await shell.run('cat', { stdin: '' })).stdout).toBe('');
    // Visible in no process's argv while the run reads it.
    const secret = `hd-secret-${Math.random().toString(36).slice(2)}`;
    registerSecret('worker shell stdin', secret);
    const r = await shell.run(`read -r line; ps -eo args | grep -c -- "$line" || true; echo "[$line]"`, { stdin: `${secret}\n` });
    expect(r.stdout).toBe(`1\n[${secret}]\n`); // only the grep itself
    done();
  });

  it('runs hostile script text literally, including the previous run\'s marker text', async () => {
    const { open, done } = await setup('ws-hostile');
    const shell = await open();
    const hostile = `printf '%s\\n' 'single '"'"' quote' "double \\" quote" '$(id) \`id\` $HOME' ; echo ')'"'"' ; echo broken'`;
    expect(await shell.run(hostile)).toMatchObject({ code: 0, stdout: `single ' quote\ndouble " quote\n$(id) \`id\` $HOME\n)' ; echo broken\n`, stderr: '' });
    // Unbalanced quoting fails as a syntax error of that run alone.
    const bad = await shell.run(`echo ')`);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).not.toBe('');
    expect(await shell.run('echo ok')).toMatchObject({ code: 0, stdout: 'ok\n' });
    // Reuse markers a script could have learned: the next run's marker is fresh.
    const markerLike = "printf '__HD_%s_END_0\\n' abc; printf '__HD_%s_END\\n' abc >&2; echo '); exit 0; ('";
    expect(await shell.run(markerLike)).toMatchObject({ code: 0, stdout: '__HD_abc_END_0\n); exit 0; (\n', stderr: '__HD_abc_END\n' });
    const heredoc = "cat <<'EOF'\n$(not run)\nEOF\nEOF\necho done";
    const hd = await shell.run(heredoc);
    expect(hd).toMatchObject({ stdout: '$(not run)\ndone\n', code: 0 });
    expect(hd.stderr).toMatch(/EOF.*not found/);
    expect((await shell.run('echo fine')).stdout).toBe('fine\n');
    await expect(shell.run('echo a\0b')).rejects.toMatchObject({ code: 'invalid-input' });
    expect(shell.closed).toBe(false);
    done();
  });

  it('runs queued scripts one at a time in order', async () => {
    const { open, done } = await setup('ws-queue');
    const shell = await open();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => shell.run(`sleep 0.0$((${i} % 3)); echo ${i}; echo e${i} >&2`)));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
    expect(results.map((r) => r.stderr)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}\n`));
    done();
  });

  it('times out: the run rejects, the shell closes, queued runs reject', async () => {
    const { open, count, done } = await setup('ws-timeout');
    const shell = await open();
    let closedWith: Error | null | undefined;
    shell.onClose((reason) => (closedWith = reason));
    const started = performance.now();
    const slowSleep = uniqueSleep();
    const slow = shell.run(slowSleep, { timeoutMs: 300 });
    const queued = shell.run('echo never').catch((e: unknown) => e);
    await expect(slow).rejects.toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await queued).toMatchObject({ code: 'ssh' });
    expect(shell.closed).toBe(true);
    expect(closedWith).toMatchObject({ code: 'timeout' });
    await expect.poll(() => count(slowSleep), { timeout: 3000 }).toBe(0); // the run was killed, not left behind
    await expect(shell.run('true')).rejects.toMatchObject({ code: 'ssh' });
    // A new shell works.
    expect((await (await open()).run('echo again')).stdout).toBe('again\n');
    done();
  });

  it('rejects pending runs with a clear error when the shell dies mid-run', async () => {
    const { core, server, open, count, done } = await setup('ws-kill');
    const shell = await open();
    const closed = new Promise<Error | null>((resolve) => shell.onClose(resolve));
    const pid = (await shell.run('echo $$')).stdout.trim();
    // Catch at once: the rejections come while the killer still runs.
    const killSleep = uniqueSleep();
    const running = shell.run(killSleep).catch((e: unknown) => e);
    const queued = shell.run('echo never').catch((e: unknown) => e);
    const killer = await core.connections.connectFresh(server.id);
    await exec(killer.client, `kill -9 ${Number(pid)}`);
    killer.close();
    expect(await running).toMatchObject({ code: 'ssh', message: expect.stringMatching(/worker shell exited/) });
    expect(await queued).toMatchObject({ code: 'ssh' });
    expect(await closed).toMatchObject({ code: 'ssh' });
    await expect.poll(() => count(killSleep), { timeout: 3000 }).toBe(0); // the orphaned run was killed
    done();
  });

  it('rejects pending runs with a clear error when the connection drops mid-run', async () => {
    const { core, server, lease, open, count, done } = await setup('ws-drop');
    const shell = await open();
    const closed = new Promise<Error | null>((resolve) => shell.onClose(resolve));
    const pid = (await shell.run('echo $PPID')).stdout.trim(); // the sshd session process
    // Catch at once: the rejections come while the killer still runs.
    const dropSleep = uniqueSleep();
    const running = shell.run(dropSleep).catch((e: unknown) => e);
    const queued = shell.run('echo never').catch((e: unknown) => e);
    const killer = await core.connections.connectFresh(server.id);
    await exec(killer.client, `kill -9 ${Number(pid)}`);
    killer.close();
    expect(await running).toMatchObject({ code: 'ssh', message: expect.stringMatching(/worker shell/) });
    expect(await queued).toMatchObject({ code: 'ssh' });
    expect(await closed).toMatchObject({ code: 'ssh' });
    // The run outlived the connection; after the reconnect its process group can be killed.
    expect(shell.pgid).toBeGreaterThan(1);
    await lease.ready();
    expect(await count(dropSleep)).toBe(1);
    await exec(lease.client(), `kill -KILL -- -${shell.pgid}`);
    await expect.poll(() => count(dropSleep), { timeout: 3000 }).toBe(0);
    done();
  });

  it('close() rejects pending runs and reports a clean close', async () => {
    const { open, count, done } = await setup('ws-close');
    const shell = await open();
    let reason: Error | null | undefined;
    shell.onClose((r) => (reason = r));
    const closeSleep = uniqueSleep();
    const running = shell.run(closeSleep);
    await expect.poll(() => count(closeSleep), { timeout: 3000 }).toBe(1);
    shell.close();
    await expect(running).rejects.toMatchObject({ code: 'ssh' });
    expect(reason).toBeNull();
    await expect.poll(() => count(closeSleep), { timeout: 3000 }).toBe(0);
    done();
  });
});
