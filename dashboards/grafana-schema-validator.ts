/**
 * Checks dashboard JSON against Grafana's schema of the pinned release: JSON Schema derived
 * (by ts-json-schema-generator, unknown keys refused) from the `@grafana/schema` types that
 * dashboards/src/grafana-schema.ts names, validated with ajv. Per panel: the panel type is
 * one this project writes, `pluginVersion` is the pinned Grafana's (without it Grafana runs
 * its panel migrations, which rewrite options written for the current schema), and
 * `options` / `fieldConfig.defaults.custom` match that panel type's schema.
 *
 * Development only (tests): ts-json-schema-generator and ajv are dev dependencies.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { DASHBOARD_SCHEMA_VERSION, GRAFANA_VERSION, PANEL_SCHEMAS } from './src/grafana-schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export type DashboardValidator = (dashboard: unknown) => string[];

/** Builds the validators once (~2 s: it type-checks @grafana/schema's declarations). */
export function createDashboardValidator(): DashboardValidator {
  const generator = createGenerator({
    path: path.join(here, 'src', 'grafana-schema.ts'),
    tsconfig: path.join(here, '..', 'tsconfig.json'),
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'all',
    jsDoc: 'none',
  });
  const ajv = new Ajv({ allErrors: true, strict: false });
  const cache = new Map<string, ValidateFunction>();
  const validator = (type: string): ValidateFunction => {
    let fn = cache.get(type);
    if (!fn) {
      fn = ajv.compile(generator.createSchema(type));
      cache.set(type, fn);
    }
    return fn;
  };
  const check = (type: string, value: unknown, where: string): string[] => {
    const validate = validator(type);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
      return `${where}${e.instancePath}: ${e.message ?? 'invalid'}${extra} [${type}]`;
    });
  };

  return (dashboard) => {
    const errors = check('GrafanaDashboard', dashboard, 'dashboard');
    const d = dashboard as { schemaVersion?: number; panels?: Array<Record<string, unknown>> };
    if (d.schemaVersion !== DASHBOARD_SCHEMA_VERSION) {
      errors.push(
        `dashboard: schemaVersion ${d.schemaVersion} is not Grafana ${GRAFANA_VERSION}'s ${DASHBOARD_SCHEMA_VERSION}`,
      );
    }
    for (const panel of d.panels ?? []) {
      const where = `panel "${String(panel.title)}"`;
      const schema = PANEL_SCHEMAS[panel.type as keyof typeof PANEL_SCHEMAS];
      if (!schema) {
        errors.push(`${where}: panel type ${String(panel.type)} has no schema here`);
        continue;
      }
      if (panel.pluginVersion !== GRAFANA_VERSION) {
        errors.push(`${where}: pluginVersion ${String(panel.pluginVersion)} is not ${GRAFANA_VERSION}`);
      }
      errors.push(...check(schema.options, panel.options, `${where} options`));
      const fieldConfig = panel.fieldConfig as { defaults?: { custom?: unknown } } | undefined;
      const custom = fieldConfig?.defaults?.custom;
      if (schema.custom) errors.push(...check(schema.custom, custom ?? {}, `${where} fieldConfig.defaults.custom`));
      else if (custom !== undefined) errors.push(`${where}: ${String(panel.type)} panels take no custom field config`);
    }
    return errors;
  };
}
