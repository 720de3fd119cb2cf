import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBuildContext, resolveCopySource } from './build-context.js';
import { hostPath, replayDockerfile } from './replay.js';
import { runtimeTree } from './runtime-tree.js';

const made: string[] = [];
function tempDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-test-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const replay = (contextDir: string, dockerfile: string) =>
  replayDockerfile({
    context: readBuildContext(contextDir),
    dockerfile,
    workDir: tempDir(),
    cacheDir: tempDir(),
    log: () => {},
  });

describe('build context', () => {
  it('applies .dockerignore with Docker semantics: root-anchored, ** and ! exceptions', () => {
    const dir = tempDir({
      '.dockerignore': 'docs\n**/*.test.ts\n*.md\n!keep.md\n',
      'docs/a.md': '',
      'src/a.ts': '',
      'src/a.test.ts': '',
      'README.md': '',
      'keep.md': '',
      'src/notes.md': '',
    });
    const { files } = readBuildContext(dir);
    expect([...files].sort()).toEqual(['.dockerignore', 'keep.md', 'src/a.ts', 'src/notes.md']);
  });

  it('a COPY source that .dockerignore removed fails as docker build does', () => {
    const context = readBuildContext(tempDir({ '.dockerignore': 'dashboards\n', 'dashboards/x.json': '{}' }));
    expect(() => resolveCopySource(context, 'dashboards')).toThrow('"/dashboards": not found');
    expect(resolveCopySource(context, '.dockerignore')).toEqual(['.dockerignore']);
  });
});

describe('replay', () => {
  it('copies files and folders like Docker (a folder copies its contents) and runs RUN in WORKDIR with ENV', () => {
    const dir = tempDir({ 'package.json': '{}', 'bin/run.js': 'x', 'lib/a/b.ts': 'y' });
    const stages = replay(
      dir,
      [
        'FROM node:22 AS build',
        'WORKDIR /app',
        'ENV GREETING=hello',
        'COPY package.json ./',
        'COPY lib ./lib',
        'RUN echo "$GREETING" > made.txt && test -f lib/a/b.ts',
        'FROM node:22',
        'WORKDIR /srv',
        'COPY --from=build /app/made.txt ./',
        'COPY bin ./bin',
        'ENTRYPOINT ["node", "bin/run.js"]',
        'CMD ["--help"]',
      ].join('\n'),
    );
    const image = stages.at(-1)!;
    expect(fs.readFileSync(hostPath(image, '/srv/made.txt'), 'utf8')).toBe('hello\n');
    expect(fs.existsSync(hostPath(image, '/srv/bin/run.js'))).toBe(true);
    expect(fs.existsSync(hostPath(stages[0]!, '/app/lib/a/b.ts'))).toBe(true);
    expect(image.entrypoint).toEqual(['node', 'bin/run.js']);
    expect(image.cmd).toEqual(['--help']);
  });

  it('a failing RUN step fails the replay with its output and the Dockerfile line', () => {
    const dir = tempDir({ 'a.txt': '' });
    expect(() => replay(dir, 'FROM x\nWORKDIR /w\nRUN echo broken >&2 && exit 3')).toThrow(
      /Dockerfile:3 RUN: exited with code 3[\s\S]*broken/,
    );
  });

  it('refuses instructions it does not replay instead of skipping them', () => {
    expect(() => replay(tempDir(), 'FROM x\nADD https://example.invalid/a /a')).toThrow(/does not implement ADD/);
  });
});

describe('runtime tree', () => {
  const pkg = (manifest: object) => JSON.stringify(manifest);
  it('flags a package only an optional peer (or dev) brought in, and a missing required one', () => {
    const app = tempDir({
      'package.json': pkg({ dependencies: { a: '1' } }),
      'node_modules/a/package.json': pkg({
        name: 'a',
        dependencies: { b: '1', gone: '1' },
        peerDependencies: { typescript: '*' },
        peerDependenciesMeta: { typescript: { optional: true } },
      }),
      'node_modules/b/package.json': pkg({ name: 'b', optionalDependencies: { '@scope/c': '1' } }),
      'node_modules/@scope/c/package.json': pkg({ name: '@scope/c' }),
      'node_modules/typescript/package.json': pkg({ name: 'typescript' }),
    });
    const tree = runtimeTree(app);
    expect(tree.needed).toEqual(['node_modules/@scope/c', 'node_modules/a', 'node_modules/b']);
    expect(tree.extraneous).toEqual(['node_modules/typescript']);
    expect(tree.missing).toEqual([{ name: 'gone', requiredBy: 'node_modules/a', optional: false }]);
  });
});
