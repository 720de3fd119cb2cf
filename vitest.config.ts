import { configDefaults, defineConfig } from 'vitest/config';

const ignored = [...configDefaults.exclude, '.data/**', '.test-data/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: stack tests share one set of services, keep file-level parallelism modest.
    maxWorkers: 2,
    // .ci/run asks for a JSON report too, to print its "N passed, N failed" line.
    ...(process.env.CLICKSTREAM_TEST_REPORT
      ? { reporters: ['default', 'json'], outputFile: { json: process.env.CLICKSTREAM_TEST_REPORT } }
      : {}),
    // `npm test` runs both; `npx vitest run --project unit` runs the pure tests alone, in
    // seconds, with no service started.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Pure tests sit next to their code, anywhere but test/.
          include: ['**/*.test.ts'],
          exclude: [...ignored, 'test/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          exclude: ignored,
          // Starts real ClickHouse, Postgres and Kafka on free ports with a throwaway data dir.
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
