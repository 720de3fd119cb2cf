/**
 * The committed dashboards against Grafana's own schema of the pinned release
 * (@grafana/schema 12.2.0, see dashboards/grafana-schema-validator.ts), and the validator
 * against the mistakes it exists for.
 */
import fs from 'node:fs';
import { defaultDashboard } from '@grafana/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDashboardValidator, type DashboardValidator } from './grafana-schema-validator.js';
import { loadDashboards } from './panel-queries.js';
import { DASHBOARD_SCHEMA_VERSION, type Dashboard, GRAFANA_VERSION } from './src/grafana-schema.js';
import { withoutPrometheus } from './without-prometheus.js';

let validate: DashboardValidator;
beforeAll(() => {
  validate = createDashboardValidator();
}, 60_000);

const dashboards = loadDashboards();
const heatmap = () => {
  const engagement = structuredClone(dashboards.find(([f]) => f === 'engagement.json')![1]);
  const panel = engagement.panels.find((p) => p.type === 'xychart')! as unknown as Record<string, unknown>;
  return { engagement, panel };
};

describe('dashboards/json against Grafana 12.2 schema', () => {
  it.each(dashboards)('%s is valid', (_file, dashboard) => {
    expect(validate(dashboard)).toEqual([]);
  });

  it.each(dashboards)('%s for a Grafana without Prometheus (grafana-provisioning) is valid', (_file, dashboard) => {
    expect(validate(withoutPrometheus(dashboard as unknown as Dashboard))).toEqual([]);
  });

  it('targets the Grafana the Docker stack runs, and its dashboard schema version', () => {
    const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<string, { image?: string }>;
    };
    expect(compose.services.grafana?.image).toBe(`grafana/grafana:${GRAFANA_VERSION}`);
    expect(DASHBOARD_SCHEMA_VERSION).toBe(defaultDashboard.schemaVersion);
  });
});

describe('the validator refuses what Grafana would rewrite', () => {
  it('the XY chart options in the pre-11 format (x/y by name, size and colour by field)', () => {
    const { engagement, panel } = heatmap();
    panel.options = {
      mapping: 'auto',
      series: [{ x: 'grid_x', y: 'grid_y', size: { field: 'clicks', min: 4, max: 30 }, color: { field: 'clicks' } }],
      legend: { showLegend: false, displayMode: 'list', placement: 'bottom', calcs: [] },
      tooltip: { mode: 'single', sort: 'none' },
    };
    const errors = validate(engagement).join('\n');
    expect(errors).toMatch(/options\/series\/0\/x: must be object/);
    expect(errors).toMatch(/options\/series\/0\/size: must NOT have additional properties \(field\)/);
  });

  it('a panel without pluginVersion (Grafana then migrates its options)', () => {
    const { engagement, panel } = heatmap();
    delete panel.pluginVersion;
    expect(validate(engagement).join('\n')).toMatch(/pluginVersion undefined is not 12\.2\.0/);
  });

  it('an option key the schema does not have, and a missing required one', () => {
    const { engagement, panel } = heatmap();
    panel.options = { ...(panel.options as object), dims: { frame: 0 } };
    delete (panel.options as Record<string, unknown>).tooltip;
    const errors = validate(engagement).join('\n');
    expect(errors).toMatch(/must NOT have additional properties \(dims\)/);
    expect(errors).toMatch(/must have required property 'tooltip'/);
  });
});
