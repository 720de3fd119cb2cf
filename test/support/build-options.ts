/**
 * The build rules the stack tests build marts with: the ETL's defaults (30-minute session
 * gap, checkout conversions, a 7-day attribution window, 50 px heatmap cells) and no
 * funnels. A test that needs funnels or other conversions spreads this and overrides them.
 */
import type { BuildOptions } from '../../etl/build-options.js';

export const TEST_BUILD_OPTIONS: BuildOptions = {
  sessionGapMinutes: 30,
  conversionTypes: ['checkout'],
  attributionWindowDays: 7,
  heatmapBucketPx: 50,
  funnels: [],
};
