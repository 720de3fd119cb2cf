import { startEtl } from '../../etl/role.js';
import type { Command } from '../command.js';
import { loadContext } from '../context.js';
import { untilSignal } from '../until-signal.js';

export const etlCommand: Command = {
  name: 'etl',
  summary: 'Run the mart builder alone (graphile-worker + crontab); run several to share jobs',
  usage: [
    'Usage: clickstream etl',
    '',
    'Runs graphile-worker on Postgres: every ETL_CRON (default hourly at :05) it rebuilds the',
    'mart_* tables for the days touched by the last ETL_LOOKBACK_HOURS hours, and at 03:30 UTC',
    'yesterday once more. Failed builds retry up to ETL_MAX_ATTEMPTS; every build is logged in',
    'clickstream.etl_runs. Use "clickstream backfill" for older ranges. Ctrl-C finishes running builds.',
  ].join('\n'),
  async run() {
    const etl = await startEtl(loadContext('etl'));
    await untilSignal();
    await etl.stop();
    return 0;
  },
};
