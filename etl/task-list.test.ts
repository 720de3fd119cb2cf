import type { JobHelpers } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import type { BuildDeps } from './build-partition.js';
import { BUILT_MARTS, MART_NAMES } from './marts.js';
import { createTaskList } from './task-list.js';

// The build tasks only close over their clients; schedule_marts reads the sites' zones,
// here one Moscow site (what lib/sites.ts timeZones() selects).
const pgPool = { query: async () => ({ rows: [{ site_id: 'shop', timezone: 'Europe/Moscow' }] }) };
const deps = { clickhouse: {}, pgPool, options: {}, maxAttempts: 3 } as unknown as BuildDeps & {
  maxAttempts: number;
};

describe('createTaskList', () => {
  it('has schedule_marts and one build_<mart> task per registered mart', () => {
    expect(Object.keys(createTaskList(deps)).sort()).toEqual(
      ['schedule_marts', ...MART_NAMES.map((m) => `build_${m}`)].sort(),
    );
  });

  it('every job schedule_marts queues names a task of the list, keyed per (mart, day)', async () => {
    const tasks = createTaskList(deps);
    const queued: Array<{
      task: string;
      payload: unknown;
      jobKey: string | undefined;
      maxAttempts: number | undefined;
    }> = [];
    const helpers = {
      addJob: async (task: string, payload: unknown, spec?: { jobKey?: string; maxAttempts?: number }) => {
        queued.push({ task, payload, jobKey: spec?.jobKey, maxAttempts: spec?.maxAttempts });
      },
      logger: { info: () => {} },
    } as unknown as JobHelpers;
    // 02:00 UTC with a 3-hour lookback touches two UTC days (and one Moscow day, the 10th),
    // and one week (Monday 4 March) for the weekly mart
    await tasks.schedule_marts!({ hours: 3, _cron: { ts: '2024-03-10T02:00:00.000Z' } }, helpers);
    // only marts with a build of their own: pages_daily and sources_daily are the sessions build's
    expect(queued).toHaveLength(2 * (BUILT_MARTS.length - 1) + 1);
    expect(queued.map((j) => j.task)).not.toContain('build_pages_daily');
    expect(queued.find((j) => j.task === 'build_retention_weekly')?.payload).toEqual({
      day: '2024-03-04',
      trigger: 'cron',
    });
    for (const job of queued) expect(tasks[job.task]).toBeTypeOf('function');
    expect(new Set(queued.map((j) => j.jobKey)).size).toBe(queued.length);
    expect(queued.find((j) => j.task === 'build_sessions')).toEqual({
      task: 'build_sessions',
      payload: { day: '2024-03-09', trigger: 'cron' },
      jobKey: 'build_sessions:2024-03-09',
      maxAttempts: 3,
    });
  });
});
