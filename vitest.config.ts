import { defineConfig } from 'vitest/config';

// The tests that stop a shared daemon run one at a time in a group of their own after the others:
// health stops nginx (which serves the hosting tests' sites and is reloaded by them), dns-push
// stops ns2 (which the other DNS tests push to; its restart empties its zones config).
const STOPS_DAEMONS = ['test/integration/health.test.ts', 'test/e2e/health.test.ts', 'test/integration/dns-push.test.ts'];

// The tests on a fresh machine (testbed/fresh-root.ts) share its network namespace and addresses:
// one at a time, beside the others.
const FRESH_ROOT = ['test/slow/prepare-server.test.ts', 'test/slow/prepare-ubuntu.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: STOPS_DAEMONS, testTimeout: 30_000, hookTimeout: 60_000 } },
      // One browser at a time: the UI tests share the test servers and screenshots.
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: STOPS_DAEMONS, testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
      // Tests that wait for the clock (cron's next minute): they mostly sleep, so they run beside the others.
      { test: { name: 'slow', include: ['test/slow/**/*.test.ts'], exclude: FRESH_ROOT, testTimeout: 120_000, hookTimeout: 60_000 } },
      { test: { name: 'fresh-root', include: FRESH_ROOT, testTimeout: 120_000, hookTimeout: 60_000, fileParallelism: false } },
      { test: { name: 'stops-daemons', include: STOPS_DAEMONS, testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false, sequence: { groupOrder: 1 } } },
      // Runs after everything else (scripts/test.ts calls it last): scans what the suite wrote.
      { test: { name: 'final', include: ['test/final/**/*.test.ts'] } },
    ],
  },
});
