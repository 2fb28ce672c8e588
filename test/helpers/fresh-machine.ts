// What the tests on a fresh machine (testbed/fresh-root.ts) do with it: commands over OpenSSH,
// HTTP to its nginx by name, preparation through the queue and what its tasks must show.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { expect } from 'vitest';
import type { PrepareRole } from '../../shared/api/prepare';
import type { Task } from '../../shared/queue';
import type { FreshServer } from '../../testbed/fresh-root';
import type { TestCore } from './core';
import { settleQueue } from './hosting';

export const ALL_ROLES: PrepareRole[] = ['base', 'web', 'db', 'ftp', 'ns'];

export type PrepareRun = { tasks: Task[]; ms: number };

export function freshMachine(t: TestCore, machine: FreshServer, keyPath: string) {
  return {
    /** A command on the fresh machine as root over OpenSSH (stdin given, never on a command line). */
    onMachine(cmd: string, input = ''): string {
      return execFileSync('ssh', ['-i', keyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${machine.host}`, cmd], { input, encoding: 'utf8' });
    },
    httpGet(host: string, path = '/'): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        http.get({ host: machine.host, port: 80, path, headers: { Host: host }, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }).on('error', reject);
      });
    },
    /** Preflight, then the roles' tasks through the queue until it settles. */
    async prepare(serverId: string, roles: PrepareRole[] = ALL_ROLES): Promise<PrepareRun> {
      const started = Date.now();
      await t.call('prepare.preflight', { serverId });
      const { tasks: queued } = await t.call<{ tasks: Task[] }>('prepare.enqueue', { serverId, roles });
      const all = await settleQueue(t, serverId, 900_000);
      const ids = new Set(queued.map((q) => q.id));
      return { tasks: all.filter((x) => ids.has(x.id)), ms: Date.now() - started };
    },
  };
}

/** A connection a reload dropped, as an answer to ask again. */
export const dropped = (error: unknown) => ({ status: 0, body: String(error) });

export const outcome = (x: Task) => `${x.kind}: ${x.status}\n${x.stdoutTail}\n${x.stderrTail}`;

/** The tasks all done, and (`changed`) whether any of them changed something. */
export function expectDone(run: { tasks: Task[] }, changed: boolean): void {
  expect(run.tasks.length).toBeGreaterThan(0);
  for (const x of run.tasks) expect(x.status, outcome(x)).toBe('done');
  if (!changed) {
    for (const x of run.tasks) expect(x.stdoutTail, outcome(x)).not.toMatch(/^changed:/m);
    for (const x of run.tasks.filter((x) => x.kind !== 'prepare.ssh-check')) expect(x.stdoutTail, outcome(x)).toMatch(/already in place: nothing changed/);
  }
}
