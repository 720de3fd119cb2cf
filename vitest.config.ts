import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**', '.test-data/**'],
    // Starts real ClickHouse, Postgres and Kafka on free ports with a throwaway data dir.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: stack tests share one set of services, keep file-level parallelism modest.
    maxWorkers: 2,
    // .ci/run asks for a JSON report too, to print its "N passed, N failed" line.
    ...(process.env.CLICKSTREAM_TEST_REPORT
      ? { reporters: ['default', 'json'], outputFile: { json: process.env.CLICKSTREAM_TEST_REPORT } }
      : {}),
  },
});
