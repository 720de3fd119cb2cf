/**
 * The `etl` role: graphile-worker on Postgres running the mart builds and the crontab.
 * Several processes may run it; graphile-worker shares the jobs between them and the
 * (mart, day) lock keeps builds of one day apart.
 */
import { Logger as WorkerLogger, run } from 'graphile-worker';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import type { Logger } from '../lib/logger.js';
import { createPgPool } from '../lib/postgres.js';
import type { RoleDeps } from '../lib/role-server.js';
import { buildOptionsFromConfig } from './build-options.js';
import { etlCronItems } from './crontab.js';
import { createTaskList } from './task-list.js';
import { ETL_CLICKHOUSE_SETTINGS } from './clickhouse-settings.js';

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
  const clickhouse = createClickHouse(
    clickhouseTarget(config, endpoints, { requestTimeoutMs: config.etl.queryTimeoutMs }),
    ETL_CLICKHOUSE_SETTINGS,
  );
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
      taskList: createTaskList({ clickhouse, pgPool, options, logger, maxAttempts: config.etl.maxAttempts }),
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
            await clickhouse.close().catch(() => {});
            logger.info('etl_stopped');
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    await pgPool.end().catch(() => {});
    await clickhouse.close().catch(() => {});
    throw error;
  }
}
