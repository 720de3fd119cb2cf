/** graphile-worker task `build_sources_daily`: rebuilds mart_sources_daily for payload.day (etl/sql/sources_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_sources_daily(deps: BuildDeps): Task {
  return createBuildTask('sources_daily', deps);
}
