/** graphile-worker task `build_devices_daily`: rebuilds mart_devices_daily for payload.day (etl/sql/devices_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_devices_daily(deps: BuildDeps): Task {
  return createBuildTask('devices_daily', deps);
}
