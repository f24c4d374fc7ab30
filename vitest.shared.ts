// One vitest preset for every workspace package: integration tests talk to real servers,
// so timeouts are generous, and each run leaves a JSON report that `.ci/run` counts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
