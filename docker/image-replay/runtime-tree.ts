/**
 * Which installed packages an app actually needs at run time: those reachable from its
 * package.json `dependencies` through each package's `dependencies`, `optionalDependencies`
 * and required (non-optional) `peerDependencies`, resolved the way Node resolves them
 * (the nearest `node_modules/<name>` walking up from the requiring package). Anything else
 * in node_modules is there for development only, or as an optional peer nobody requires:
 * npm keeps such a package after `--omit=dev` when the lock marks it `devOptional`.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface RuntimeTree {
  /** Package folders (relative to the app) that something at run time requires. */
  needed: string[];
  /** Package folders present but required by nothing at run time. */
  extraneous: string[];
  /** Required packages that are not installed (name and who needs it). */
  missing: Array<{ name: string; requiredBy: string; optional: boolean }>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every installed package folder under `appDir`, nested node_modules included. */
export function installedPackages(appDir: string): string[] {
  const found: string[] = [];
  const scan = (modules: string) => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(modules, entry.name);
      if (entry.name.startsWith('@')) {
        for (const scoped of fs.readdirSync(full, { withFileTypes: true })) visit(path.join(full, scoped.name));
      } else visit(full);
    }
  };
  const visit = (dir: string) => {
    if (!fs.existsSync(path.join(dir, 'package.json'))) return;
    found.push(path.relative(appDir, dir));
    scan(path.join(dir, 'node_modules'));
  };
  scan(path.join(appDir, 'node_modules'));
  return found.sort();
}

/** Node's lookup: `node_modules/<name>` in `from`, then in each parent up to `appDir`. */
function resolvePackage(appDir: string, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.relative(appDir, dir) === '' || dir === path.dirname(dir)) return undefined;
  }
}

/**
 * Walks the run-time dependency graph of the app in `appDir`, starting from `rootManifest`
 * (default: the app's own package.json; an image whose node_modules was installed from an
 * edited copy passes that copy).
 */
export function runtimeTree(appDir: string, rootManifest = path.join(appDir, 'package.json')): RuntimeTree {
  const needed = new Set<string>();
  const missing: RuntimeTree['missing'] = [];
  const queue: string[] = [appDir];
  while (queue.length > 0) {
    const dir = queue.pop()!;
    const manifest =
      dir === appDir ? (JSON.parse(fs.readFileSync(rootManifest, 'utf8')) as Manifest) : readManifest(dir);
    const requiredPeers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (name) => !manifest.peerDependenciesMeta?.[name]?.optional,
    );
    const edges: Array<[string, boolean]> = [
      ...Object.keys(manifest.dependencies ?? {}).map((n) => [n, false] as [string, boolean]),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((n) => [n, true] as [string, boolean]),
      ...requiredPeers.map((n) => [n, false] as [string, boolean]),
    ];
    for (const [name, optional] of edges) {
      // A peer resolves from the package that depends on the requirer, i.e. from above it.
      const target = resolvePackage(appDir, dir, name);
      if (!target) {
        missing.push({ name, requiredBy: path.relative(appDir, dir) || '(app)', optional });
        continue;
      }
      const rel = path.relative(appDir, target);
      if (!needed.has(rel)) {
        needed.add(rel);
        queue.push(target);
      }
    }
  }
  const installed = installedPackages(appDir);
  return {
    needed: [...needed].sort(),
    extraneous: installed.filter((p) => !needed.has(p)),
    missing: missing.filter((m) => !m.optional),
  };
}
