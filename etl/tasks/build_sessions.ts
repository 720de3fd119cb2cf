/** graphile-worker task `build_sessions`: rebuilds mart_sessions for payload.day (etl/sql/sessions.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_sessions(deps: BuildDeps): Task {
  return createBuildTask('sessions', deps);
}
