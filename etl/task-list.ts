/**
 * The graphile-worker task list: one `build_<mart>` task per mart of the registry
 * (etl/marts.ts) and the scheduler (etl/tasks/schedule_marts.ts), each made with its
 * clients. A new mart needs no file here: adding it to the registry adds its task.
 */
import type { TaskList } from 'graphile-worker';
import type { BuildDeps } from './build-partition.js';
import { buildTaskName, createBuildTask } from './build-task.js';
import { MART_NAMES } from './marts.js';
import { schedule_marts } from './tasks/schedule_marts.js';

/** Every task the ETL worker runs. */
export function createTaskList(deps: BuildDeps & { maxAttempts: number }): TaskList {
  const tasks: TaskList = { schedule_marts: schedule_marts(deps) };
  for (const name of MART_NAMES) tasks[buildTaskName(name)] = createBuildTask(name, deps);
  return tasks;
}
