// One vitest preset for every workspace package: integration tests talk to real servers,
// so timeouts are generous, and each run leaves a JSON report that `.ci/run` counts. The
// global setup deletes the Kafka topics the run's tests created (see forget-test-topics.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    globalSetup: [
      fileURLToPath(new URL('./packages/testkit/src/forget-test-topics.ts', import.meta.url)),
    ],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
