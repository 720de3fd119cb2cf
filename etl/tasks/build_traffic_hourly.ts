/** graphile-worker task `build_traffic_hourly`: rebuilds mart_traffic_hourly for payload.day (etl/sql/traffic_hourly.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_traffic_hourly(deps: BuildDeps): Task {
  return createBuildTask('traffic_hourly', deps);
}
