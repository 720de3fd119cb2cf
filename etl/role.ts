/**
 * The `etl` role: graphile-worker on Postgres running the mart builds and the crontab.
 * Several processes may run it; graphile-worker shares the jobs between them and the
 * (mart, day) lock keeps builds of one day apart.
 */
import { Logger as WorkerLogger, run } from 'graphile-worker';
import type { Logger } from '../lib/logger.js';
import { createPgPool } from '../lib/postgres.js';
import type { RoleDeps } from '../lib/role-server.js';
import { buildOptionsFromConfig } from './build-options.js';
import { etlCronItems } from './crontab.js';
import { createTaskList } from './task-list.js';
import { createBuildClickHouse } from './build-clickhouse.js';

/** graphile-worker's log lines through our pino logger, with its scope as fields. */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else if (level === 'info') logger.info(fields, message);
    else logger.debug(fields, message);
  });
}

/**
 * Starts the worker (tasks + crontab) and resolves once it runs. `stop()` finishes the
 * jobs in progress, then closes the clients.
 */
export async function startEtl({ config, endpoints, logger }: RoleDeps): Promise<{ stop(): Promise<void> }> {
  const options = buildOptionsFromConfig(config); // fails at start on a bad funnels file
  const builds = createBuildClickHouse(config, endpoints);
  const { clickhouse, shards } = builds;
  // graphile-worker's own connections + one per build holding its advisory lock
  const pgPool = createPgPool(
    endpoints.databaseUrl,
    (error) => logger.warn({ err: error }, 'pg_idle_client_error'),
    config.etl.concurrency * 2 + 4,
  );
  try {
    const runner = await run({
      pgPool,
      concurrency: config.etl.concurrency,
      noHandleSignals: true,
      logger: workerLogger(logger),
      taskList: createTaskList({ clickhouse, shards, pgPool, options, logger, maxAttempts: config.etl.maxAttempts }),
      parsedCronItems: etlCronItems(config.etl),
    });
    logger.info(
      { concurrency: config.etl.concurrency, cron: config.etl.cron, lookbackHours: config.etl.lookbackHours },
      'etl_started',
    );
    let stopped: Promise<void> | undefined;
    return {
      stop() {
        stopped ??= (async () => {
          try {
            await runner.stop();
          } finally {
            await pgPool.end().catch(() => {});
            await builds.close();
            logger.info('etl_stopped');
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    await pgPool.end().catch(() => {});
    await builds.close();
    throw error;
  }
}
