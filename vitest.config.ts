import { defineConfig } from 'vitest/config';

// The tests that stop the testbed's nginx (health: "down, naming nginx") run in a group of their
// own after the others: nginx serves the hosting tests' sites meanwhile, and is reloaded by them.
const NGINX_DOWN = ['test/integration/health.test.ts', 'test/e2e/health.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: NGINX_DOWN, testTimeout: 30_000, hookTimeout: 60_000 } },
      // One browser at a time: the UI tests share the test servers and screenshots.
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: NGINX_DOWN, testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
      { test: { name: 'nginx-down', include: NGINX_DOWN, testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false, sequence: { groupOrder: 1 } } },
      // Runs after everything else (scripts/test.ts calls it last): scans what the suite wrote.
      { test: { name: 'final', include: ['test/final/**/*.test.ts'] } },
    ],
  },
});
