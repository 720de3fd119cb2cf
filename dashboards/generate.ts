/**
 * Writes dashboards/json/<name>.json (what Grafana's file provider loads) from the typed
 * specs in dashboards/src/. Run after editing a spec: `npx tsx dashboards/generate.ts`.
 * test/dashboards.test.ts fails when the JSON and the specs disagree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS } from './src/index.js';
import { dashboardJson } from './src/kit.js';

export const JSON_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'json');

/** The file text of a dashboard, as committed. */
export function dashboardFileText(name: string): string {
  const spec = DASHBOARDS[name];
  if (!spec) throw new Error(`no dashboard spec named ${name}`);
  return `${JSON.stringify(dashboardJson(spec), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(JSON_DIR, { recursive: true });
  for (const name of Object.keys(DASHBOARDS)) {
    fs.writeFileSync(path.join(JSON_DIR, `${name}.json`), dashboardFileText(name));
    process.stdout.write(`wrote dashboards/json/${name}.json\n`);
  }
}
