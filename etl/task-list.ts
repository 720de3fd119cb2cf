/**
 * The graphile-worker task list: one task per mart (etl/tasks/build_<mart>.ts) and the
 * scheduler (etl/tasks/schedule_marts.ts), each made with its clients.
 */
import type { TaskList } from 'graphile-worker';
import type { BuildDeps } from './build-partition.js';
import { build_attribution_daily } from './tasks/build_attribution_daily.js';
import { build_ctr_daily } from './tasks/build_ctr_daily.js';
import { build_devices_daily } from './tasks/build_devices_daily.js';
import { build_funnel_daily } from './tasks/build_funnel_daily.js';
import { build_heatmap_daily } from './tasks/build_heatmap_daily.js';
import { build_pages_daily } from './tasks/build_pages_daily.js';
import { build_sessions } from './tasks/build_sessions.js';
import { build_sources_daily } from './tasks/build_sources_daily.js';
import { build_traffic_hourly } from './tasks/build_traffic_hourly.js';
import { schedule_marts } from './tasks/schedule_marts.js';

/** Every task the ETL worker runs. */
export function createTaskList(deps: BuildDeps & { maxAttempts: number }): TaskList {
  return {
    schedule_marts: schedule_marts(deps),
    build_traffic_hourly: build_traffic_hourly(deps),
    build_sessions: build_sessions(deps),
    build_ctr_daily: build_ctr_daily(deps),
    build_pages_daily: build_pages_daily(deps),
    build_sources_daily: build_sources_daily(deps),
    build_devices_daily: build_devices_daily(deps),
    build_attribution_daily: build_attribution_daily(deps),
    build_funnel_daily: build_funnel_daily(deps),
    build_heatmap_daily: build_heatmap_daily(deps),
  };
}
