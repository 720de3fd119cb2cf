/** graphile-worker task `build_pages_daily`: rebuilds mart_pages_daily for payload.day (etl/sql/pages_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_pages_daily(deps: BuildDeps): Task {
  return createBuildTask('pages_daily', deps);
}
