/**
 * Funnel definitions for mart_funnel_daily, read from the JSON file ETL_FUNNELS_FILE:
 *
 * ```json
 * [{ "name": "checkout", "window_minutes": 60,
 *    "steps": [{ "name": "product", "type": "pageview", "path": "/product" },
 *              { "name": "add to cart", "type": "click" },
 *              { "name": "paid", "type": "checkout" }] }]
 * ```
 *
 * A step matches an event by `type` and/or exact `path` (at least one). The funnel SQL
 * is generated per funnel because windowFunnel takes one condition argument per step;
 * the step values still go in as query params.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { expandFragments } from './sql-template.js';

const stepSchema = z
  .object({
    name: z.string().min(1, 'expected a step name'),
    type: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.type !== undefined || s.path !== undefined, 'expected "type" and/or "path" on each step');

const funnelSchema = z
  .object({
    name: z.string().min(1, 'expected a funnel name'),
    window_minutes: z.number().int().positive('expected window_minutes > 0'),
    // windowFunnel accepts at most 32 conditions
    steps: z.array(stepSchema).min(1, 'expected at least one step').max(32, 'expected at most 32 steps'),
  })
  .strict();

const funnelsSchema = z.array(funnelSchema);

/** One funnel: ordered steps completed within `window_minutes` of the first. */
export type Funnel = z.infer<typeof funnelSchema>;

/** Checks funnel definitions; the error names the offending key. */
export function parseFunnels(value: unknown, source = 'funnels'): Funnel[] {
  const result = funnelsSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${source}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid funnel definitions:\n${lines.join('\n')}`);
  }
  const names = new Set<string>();
  for (const f of result.data) {
    if (names.has(f.name))
      throw new Error(`Invalid funnel definitions: ${source}: two funnels are named ${JSON.stringify(f.name)}`);
    names.add(f.name);
  }
  return result.data;
}

/** Reads ETL_FUNNELS_FILE; no file configured means no funnels. */
export function loadFunnels(file: string | undefined): Funnel[] {
  if (file === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`ETL_FUNNELS_FILE=${file}: expected a readable JSON file (${(error as Error).message})`);
  }
  return parseFunnels(raw, file);
}

/** Each step's condition on an event (SQL with `{stepN_type}`/`{stepN_path}` params) and the params. */
function stepConditions(funnel: Funnel): { conditions: string[]; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const conditions = funnel.steps.map((step, i) => {
    const parts: string[] = [];
    if (step.type !== undefined) {
      params[`step${i}_type`] = step.type;
      parts.push(`type = {step${i}_type:String}`);
    }
    if (step.path !== undefined) {
      params[`step${i}_path`] = step.path;
      parts.push(`path = {step${i}_path:String}`);
    }
    return `(${parts.join(' AND ')})`;
  });
  return { conditions, params };
}

/**
 * The events a funnel reads: those matching any step. windowFunnel (default mode) skips
 * events that match no step, so reading only these gives the same levels.
 */
export function funnelEventFilter(funnel: Funnel): string {
  return stepConditions(funnel).conditions.join(' OR ');
}

/** One INSERT of a funnel's rows into the staging table, with its params. */
export function funnelStatement(funnel: Funnel): { query: string; params: Record<string, unknown> } {
  const steps = stepConditions(funnel);
  const params: Record<string, unknown> = {
    funnel: funnel.name,
    window_s: funnel.window_minutes * 60,
    step_names: funnel.steps.map((s) => s.name),
    steps: funnel.steps.length,
    ...steps.params,
  };
  const conditions = steps.conditions;
  const query = expandFragments(`INSERT INTO mart_funnel_daily_staging (site_id, day, funnel, step, step_name, visitors)
WITH
{{deduped_events}}
SELECT site_id, {day:Date}, {funnel:String}, step, {step_names:Array(String)}[step], countIf(level >= step)
FROM (
    SELECT site_id, person_id,
           windowFunnel({window_s:UInt64})(toDateTime(ts), ${conditions.join(', ')}) AS level
    FROM deduped_events
    WHERE local_date = {day:Date} AND person_id != ''
    GROUP BY site_id, person_id
)
ARRAY JOIN range(1, {steps:UInt8} + 1) AS step
GROUP BY site_id, step`);
  return { query, params };
}
