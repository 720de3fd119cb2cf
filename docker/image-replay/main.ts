/**
 * `npx tsx docker/image-replay/main.ts [--keep]`: builds the image's file system from the
 * real Dockerfile and .dockerignore without Docker (see replay.ts), then checks the result:
 *  - `node bin/clickstream.js --help` (the image's ENTRYPOINT + CMD) and each role's
 *    `--help` run from the image's WORKDIR with its ENV;
 *  - the image's node_modules holds exactly what the app needs at run time: nothing a
 *    role requires is missing, and no dev-only package (or optional peer nobody
 *    requires) is present.
 * Exits 1 with the reason on the first failure. Run by .ci/run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBuildContext } from './build-context.js';
import { hostPath, replayDockerfile, type Stage } from './replay.js';
import { runtimeTree } from './runtime-tree.js';

const ROLES_TO_SMOKE = ['api', 'consumer', 'etl', 'migrate'];

function say(line: string): void {
  process.stderr.write(`image-replay: ${line}\n`);
}

/** Node looks for packages in every parent folder: one above the replay would hide a missing package. */
function assertNoNodeModulesAbove(dir: string): void {
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) {
      throw new Error(`${d} has a node_modules folder, which would satisfy imports the image cannot; set TMPDIR`);
    }
  }
}

function smoke(image: Stage, args: string[]): void {
  const [file, ...entry] = [...image.entrypoint, ...args];
  if (!file) throw new Error('the image has no ENTRYPOINT or CMD');
  const result = spawnSync(file, entry, {
    cwd: hostPath(image, image.workdir),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: hostPath(image, '/home/node'), ...image.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const shown = [file, ...entry].join(' ');
  if (result.status !== 0 || !/Usage:/.test(result.stdout)) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`\`${shown}\` in the image failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  say(`\`${shown}\` ok`);
}

function main(): number {
  const started = Date.now();
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const keep = process.argv.includes('--keep');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickstream-image-replay-'));
  try {
    assertNoNodeModulesAbove(workDir);
    const context = readBuildContext(root);
    say(`build context: ${context.files.size} files after .dockerignore`);
    const stages = replayDockerfile({
      context,
      dockerfile: fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'),
      workDir,
      cacheDir: path.join(root, 'node_modules', '.cache', 'image-replay'),
      log: say,
    });
    const image = stages.at(-1)!;
    smoke(image, image.cmd);
    for (const role of ROLES_TO_SMOKE) smoke(image, [role, '--help']);
    // node_modules comes from an earlier stage that installed it from an edited package.json
    const installer = stages
      .slice(0, -1)
      .reverse()
      .find((s) => fs.existsSync(hostPath(s, path.posix.join(s.workdir, 'node_modules'))));
    const manifest = installer ? hostPath(installer, path.posix.join(installer.workdir, 'package.json')) : undefined;
    const tree = runtimeTree(hostPath(image, image.workdir), manifest);
    const problems = [
      ...tree.missing.map((m) => `missing at run time: ${m.name} (required by ${m.requiredBy})`),
      ...tree.extraneous.map((p) => `not needed at run time (dev-only or an unrequired optional peer): ${p}`),
    ];
    if (problems.length > 0) throw new Error(`the image's node_modules is wrong:\n  ${problems.join('\n  ')}`);
    say(`node_modules: ${tree.needed.length} packages, all needed at run time`);
    say(`ok in ${((Date.now() - started) / 1000).toFixed(1)} s${keep ? ` (kept in ${workDir})` : ''}`);
    return 0;
  } catch (error) {
    say(`FAILED: ${(error as Error).message}`);
    return 1;
  } finally {
    if (!keep) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
