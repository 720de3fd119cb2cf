/**
 * What a mart build needs to know beyond the day: the rules that shape the numbers
 * (session gap, conversion types, attribution window, heatmap grid, funnels).
 */
import type { Config } from '../lib/config.js';
import { type Funnel, loadFunnels } from './funnels.js';

export interface BuildOptions {
  /** A visitor's events further apart than this start a new session (no session_id). */
  sessionGapMinutes: number;
  /** Event types that count as conversions. */
  conversionTypes: readonly string[];
  /** How far back before a conversion a click can be credited. */
  attributionWindowDays: number;
  heatmapBucketPx: number;
  funnels: readonly Funnel[];
}

/** The build options of a config; reads and checks ETL_FUNNELS_FILE. */
export function buildOptionsFromConfig(config: Config): BuildOptions {
  return {
    sessionGapMinutes: config.etl.sessionGapMinutes,
    conversionTypes: config.etl.conversionTypes,
    attributionWindowDays: config.etl.attributionWindowDays,
    heatmapBucketPx: config.etl.heatmapBucketPx,
    funnels: loadFunnels(config.etl.funnelsFile),
  };
}
