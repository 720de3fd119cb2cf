/**
 * Writes dashboards/json/<name>.json (what Grafana's file provider loads) from the typed
 * specs in dashboards/src/, and the Docker stack's dashboards/provisioning/ from the
 * provisioning generator (dashboards/provisioning.ts). Run after editing either:
 * `npx tsx dashboards/generate.ts`. test/dashboards.test.ts fails when the committed files
 * and the generators disagree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCKER_TARGET, provisioningFiles } from './provisioning.js';
import { DASHBOARDS } from './src/index.js';
import { dashboardJson } from './src/kit.js';

export const JSON_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'json');
/** The Docker stack's provisioning folder (docker-compose.yml mounts its two subfolders). */
export const DOCKER_PROVISIONING_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'provisioning');

/** The Docker stack's provisioning files, by path inside DOCKER_PROVISIONING_DIR. */
export function dockerProvisioningFiles(): Record<string, string> {
  return provisioningFiles(DOCKER_TARGET);
}

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
  for (const [rel, text] of Object.entries(dockerProvisioningFiles())) {
    fs.writeFileSync(path.join(DOCKER_PROVISIONING_DIR, rel), text);
    process.stdout.write(`wrote dashboards/provisioning/${rel}\n`);
  }
}
