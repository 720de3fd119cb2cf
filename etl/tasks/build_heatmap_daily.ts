/** graphile-worker task `build_heatmap_daily`: rebuilds mart_heatmap_daily for payload.day (etl/sql/heatmap_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_heatmap_daily(deps: BuildDeps): Task {
  return createBuildTask('heatmap_daily', deps);
}
