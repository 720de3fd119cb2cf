/** graphile-worker task `build_ctr_daily`: rebuilds mart_ctr_daily for payload.day (etl/sql/ctr_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_ctr_daily(deps: BuildDeps): Task {
  return createBuildTask('ctr_daily', deps);
}
