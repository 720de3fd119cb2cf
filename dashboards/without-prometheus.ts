/**
 * A dashboard for a Grafana with no Prometheus datasource: each Prometheus panel becomes a
 * text panel of the same size saying so and how to add one, instead of a panel that fails
 * with "datasource not found". ClickHouse panels are untouched.
 */
import type { Dashboard, Panel } from './src/grafana-schema.js';
import { GRAFANA_VERSION } from './src/grafana-schema.js';
import { PROMETHEUS } from './src/kit.js';
import { textOptions } from './src/panel-options.js';

const NOTE = [
  '**No Prometheus is configured for this Grafana**, so this panel has nothing to show.',
  '',
  "It charts the api's and the consumer's `/metrics`, which the Docker stack's Prometheus scrapes.",
  'To see it here, run a Prometheus that scrapes them and write the provisioning again with',
  '`npx clickstream grafana-provisioning --out DIR --prometheus-url http://127.0.0.1:9090`.',
].join('\n');

function isPrometheus(panel: Panel): boolean {
  return panel.datasource?.uid === PROMETHEUS.uid;
}

/** The dashboard with its Prometheus panels replaced by notes (the same dashboard when it has none). */
export function withoutPrometheus(dashboard: Dashboard): Dashboard {
  const panels = (dashboard.panels ?? []) as Panel[];
  if (!panels.some(isPrometheus)) return dashboard;
  return {
    ...dashboard,
    panels: panels.map((panel) =>
      isPrometheus(panel)
        ? {
            id: panel.id,
            type: 'text',
            pluginVersion: GRAFANA_VERSION,
            title: `${panel.title} (needs Prometheus)`,
            description: panel.description,
            gridPos: panel.gridPos,
            options: textOptions(NOTE),
          }
        : panel,
    ),
  };
}
