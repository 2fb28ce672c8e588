// Running the built `hostdeck` command line as users run it: node and a copy of
// dist/cli/hostdeck.mjs (a concurrent `npm run build` empties dist/), as a child process.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO, RUNS } from '../../testbed/util';

export type Run = { code: number | null; stdout: string; stderr: string };

export type Cli = {
  /** Copies the built file (waits for a build under way); call in beforeAll. */
  install(): Promise<void>;
  remove(): void;
  run(dataDir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Run>;
  /** Runs and checks the exit code (showing the output when it differs). */
  expectExit(dataDir: string, args: string[], code: number, env?: NodeJS.ProcessEnv): Promise<Run>;
};

export function builtCli(): Cli {
  const built = path.join(REPO, 'dist', 'cli', 'hostdeck.mjs');
  // Under the repository, so its npm packages load from node_modules as from dist/.
  const bin = path.join(RUNS, `cli-${randomUUID().slice(0, 8)}`, 'hostdeck.mjs');
  const run = (dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...(dataDir ? ['--data-dir', dataDir] : []), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += String(c)));
      child.stderr.on('data', (c) => (stderr += String(c)));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  return {
    install: async () => {
      for (let i = 0; i < 120 && !existsSync(built); i++) await new Promise((resolve) => setTimeout(resolve, 500));
      mkdirSync(path.dirname(bin), { recursive: true });
      copyFileSync(built, bin);
    },
    remove: () => rmSync(path.dirname(bin), { recursive: true, force: true }),
    run,
    expectExit: async (dataDir, args, code, env) => {
      const r = await run(dataDir, args, env);
      expect(r.code, `hostdeck ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
      return r;
    },
  };
}
