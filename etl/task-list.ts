/**
 * The graphile-worker task list, made from the mart registry (etl/marts.ts): one
 * `build_<mart>` task per mart, and `schedule_marts`, which the crontab runs to queue them.
 * A mart added to the registry gets its task here; no file names a task. A mart built by
 * another's build (pages_daily, sources_daily: the sessions build) keeps its task, which
 * runs that build, for jobs queued before it had none of its own; the crontab queues only
 * marts with a build of their own.
 */
import type { TaskList } from 'graphile-worker';
import type { BuildDeps } from './build-partition.js';
import { buildTaskName, createBuildTask } from './build-task.js';
import { MART_NAMES } from './marts.js';
import { schedule_marts } from './schedule-task.js';

/** Every task the ETL worker runs, each made with its clients. */
export function createTaskList(deps: BuildDeps & { maxAttempts: number }): TaskList {
  const tasks: TaskList = { schedule_marts: schedule_marts(deps) };
  for (const mart of MART_NAMES) tasks[buildTaskName(mart)] = createBuildTask(mart, deps);
  return tasks;
}
