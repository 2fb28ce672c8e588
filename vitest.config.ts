import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      // One browser at a time: the UI tests share the test servers and screenshots.
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
      // Runs after everything else (scripts/test.ts calls it last): scans what the suite wrote.
      { test: { name: 'final', include: ['test/final/**/*.test.ts'] } },
    ],
  },
});
