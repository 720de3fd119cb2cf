/**
 * The Docker build context as the daemon receives it: every file under the context
 * directory that `.dockerignore` does not exclude. @balena/dockerignore implements
 * Docker's own matching rules (patterns anchored at the context root, `**`, `!`
 * exceptions, later rules winning), which differ from `.gitignore`'s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ignore } from '@balena/dockerignore';

// A CommonJS module whose typings declare an ES default export: require gives the factory.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

export interface BuildContext {
  root: string;
  /** Context-relative paths with forward slashes, files and symlinks only. */
  files: ReadonlySet<string>;
}

/** Lists the files `docker build` would send for `root` (honouring its `.dockerignore`). */
export function readBuildContext(root: string): BuildContext {
  const ignoreFile = path.join(root, '.dockerignore');
  const rules = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '';
  const ignore = dockerignore().add(rules.split(/\r?\n/));
  const files = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      // Directories are always walked: an excluded folder can still have `!` exceptions.
      if (entry.isDirectory()) walk(rel);
      else if (!ignore.ignores(rel)) files.add(rel);
    }
  };
  walk('');
  return { root, files };
}

/**
 * The context files a COPY source names: the file itself, or every file under the folder.
 * Throws Docker's own message when nothing in the context matches, as `docker build` does
 * for a source that `.dockerignore` removed.
 */
export function resolveCopySource(context: BuildContext, source: string): string[] {
  if (/[*?[]/.test(source)) {
    throw new Error(`COPY ${source}: wildcard sources are not supported by the replay; name files or folders`);
  }
  const normalized = path.posix.normalize(source.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (normalized.startsWith('..')) throw new Error(`COPY ${source}: forbidden path outside the build context`);
  if (normalized === '.' || normalized === '') return [...context.files].sort();
  if (context.files.has(normalized)) return [normalized];
  const prefix = `${normalized}/`;
  const under = [...context.files].filter((f) => f.startsWith(prefix)).sort();
  if (under.length === 0) throw new Error(`failed to compute cache key: "/${normalized}": not found`);
  return under;
}
