/** Every dashboard, keyed by the JSON file name it is written to (dashboards/json/<name>.json). */
import { attribution } from './attribution.js';
import { audience } from './audience.js';
import { engagement } from './engagement.js';
import type { DashboardSpec } from './kit.js';
import { overview } from './overview.js';
import { pipeline } from './pipeline.js';
import { retention } from './retention.js';

export const DASHBOARDS: Readonly<Record<string, DashboardSpec>> = {
  overview,
  engagement,
  attribution,
  audience,
  retention,
  pipeline,
};
