/**
 * Replays a Dockerfile without Docker: each stage gets a folder standing in for its root
 * file system, and the instructions run in order against it. COPY takes its sources from
 * the build context exactly as `.dockerignore` filters it (a missing source fails with
 * Docker's own message); RUN executes with this machine's shell, node and npm in the
 * stage's WORKDIR with the stage's ENV, and HOME pointing into the stage (the image runs
 * as root, so `/root` maps to `<stage>/root` and nothing touches this machine's own npm
 * cache or config). `RUN --mount=type=cache` maps the target to a folder that persists
 * between replays, as BuildKit keeps a cache mount between builds.
 *
 * What it cannot reproduce: the base image's own files (FROM an external image starts
 * empty; its node and npm are this machine's). It refuses instructions it does not know
 * rather than skipping them, so a Dockerfile change cannot silently escape the check.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Instruction, DockerfileParser } from 'dockerfile-ast';
import { type BuildContext, resolveCopySource } from './build-context.js';

export interface Stage {
  index: number;
  name: string | undefined;
  /** The image this stage starts from (an external image or an earlier stage). */
  base: string;
  /** The folder standing in for the stage's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  entrypoint: string[];
  cmd: string[];
}

export interface ReplayOptions {
  context: BuildContext;
  dockerfile: string;
  /** An empty folder for the stage roots; outside any project so no node_modules above it. */
  workDir: string;
  /** Where `RUN --mount=type=cache` targets persist between replays. */
  cacheDir: string;
  log: (line: string) => void;
}

/** Maps a path inside the stage to this machine's folder for it. */
export function hostPath(stage: Stage, containerPath: string): string {
  const absolute = path.posix.resolve(stage.workdir, containerPath);
  return path.join(stage.root, absolute);
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` from the stage's ENV and ARGs, as Docker expands them. */
function expand(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_m, braced, fallback, plain) => {
    const name = braced ?? plain;
    return vars[name] ?? fallback ?? '';
  });
}

function jsonArgs(instruction: Instruction): string[] | undefined {
  const strings = (instruction as unknown as { getJSONStrings?: () => Array<{ getJSONValue(): string }> })
    .getJSONStrings?.()
    .map((s) => s.getJSONValue());
  return strings && strings.length > 0 ? strings : undefined;
}

function flagsOf(instruction: Instruction): Map<string, string> {
  const flags = (instruction as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> })
    .getFlags?.()
    .map((f) => [f.getName(), f.getValue() ?? ''] as [string, string]);
  return new Map(flags ?? []);
}

function copyInto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** Runs every instruction; returns the stages, the last one being the image. */
export function replayDockerfile(options: ReplayOptions): Stage[] {
  const { context, workDir, log } = options;
  const dockerfile = DockerfileParser.parse(options.dockerfile);
  const stages: Stage[] = [];
  const args: Record<string, string> = {};
  let stage: Stage | undefined;
  const need = (keyword: string): Stage => {
    if (!stage) throw new Error(`${keyword} before the first FROM`);
    return stage;
  };

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    const where = `Dockerfile:${line} ${keyword}`;
    const words = instruction.getArguments().map((a) => a.getValue());
    try {
      switch (keyword) {
        case 'ARG': {
          for (const word of words) {
            const [name, value] = word.split(/=(.*)/s);
            if (name && args[name] === undefined) args[name] = value ?? '';
          }
          break;
        }
        case 'FROM': {
          const [image = '', as, name] = expand(words.join(' '), args).split(/\s+/);
          const index = stages.length;
          const root = path.join(workDir, `stage-${index}`);
          const parent = stages.find((s) => s.name === image);
          if (parent) copyInto(parent.root, root);
          else fs.mkdirSync(root, { recursive: true });
          stage = {
            index,
            name: as?.toUpperCase() === 'AS' ? name : undefined,
            base: image,
            root,
            workdir: parent?.workdir ?? '/',
            env: { ...(parent?.env ?? {}) },
            user: parent?.user ?? 'root',
            entrypoint: [...(parent?.entrypoint ?? [])],
            cmd: [...(parent?.cmd ?? [])],
          };
          stages.push(stage);
          log(
            `${where} ${image}${stage.name ? ` AS ${stage.name}` : ''}${parent ? '' : ' (base image not reproduced)'}`,
          );
          break;
        }
        case 'WORKDIR': {
          const s = need(keyword);
          s.workdir = path.posix.resolve(s.workdir, expand(words.join(' '), s.env));
          fs.mkdirSync(hostPath(s, s.workdir), { recursive: true });
          break;
        }
        case 'ENV': {
          const s = need(keyword);
          const properties = (
            instruction as unknown as {
              getProperties(): Array<{ getName(): string; getUnescapedValue(): string | null }>;
            }
          ).getProperties();
          for (const p of properties) s.env[p.getName()] = expand(p.getUnescapedValue() ?? '', { ...args, ...s.env });
          break;
        }
        case 'COPY':
          copy(need(keyword), instruction, stages, context, where, log);
          break;
        case 'RUN':
          run(need(keyword), instruction, options.cacheDir, where, log);
          break;
        case 'USER':
          need(keyword).user = words.join(' ');
          break;
        case 'ENTRYPOINT':
          need(keyword).entrypoint = jsonArgs(instruction) ?? [
            '/bin/sh',
            '-c',
            instruction.getArgumentsContent() ?? '',
          ];
          break;
        case 'CMD':
          need(keyword).cmd = jsonArgs(instruction) ?? ['/bin/sh', '-c', instruction.getArgumentsContent() ?? ''];
          break;
        case 'EXPOSE':
        case 'LABEL':
          break; // metadata only: nothing on disk changes
        default:
          throw new Error(`the replay does not implement ${keyword}; extend docker/image-replay/replay.ts`);
      }
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (stages.length === 0) throw new Error('the Dockerfile has no FROM');
  return stages;
}

function copy(
  stage: Stage,
  instruction: Instruction,
  stages: Stage[],
  context: BuildContext,
  where: string,
  log: (line: string) => void,
): void {
  const flags = flagsOf(instruction);
  const words = instruction.getArguments().map((a) => expand(a.getValue(), stage.env));
  const dest = words.pop();
  if (!dest || words.length === 0) throw new Error('COPY needs at least one source and a destination');
  const intoFolder = dest.endsWith('/') || words.length > 1;
  const from = flags.get('from');
  let count = 0;
  for (const source of words) {
    if (from !== undefined) {
      const origin = stages.find((s) => s.name === from || String(s.index) === from);
      if (!origin) throw new Error(`--from=${from}: no earlier stage of that name (images are not replayed)`);
      const src = hostPath(origin, source);
      if (!fs.existsSync(src)) throw new Error(`--from=${from} ${source}: not found in that stage`);
      const isDir = fs.statSync(src).isDirectory();
      const target = hostPath(stage, isDir || !intoFolder ? dest : path.posix.join(dest, path.posix.basename(source)));
      copyInto(src, target);
      count += 1;
      continue;
    }
    const files = resolveCopySource(context, source);
    const base = path.posix.normalize(source.replace(/^\/+/, '')).replace(/\/+$/, '');
    const single = files.length === 1 && files[0] === base;
    for (const file of files) {
      const relative = single ? path.posix.basename(file) : path.posix.relative(base === '.' ? '' : base, file);
      const target = single && !intoFolder ? dest : path.posix.join(dest, relative);
      copyInto(path.join(context.root, file), hostPath(stage, target));
    }
    count += files.length;
  }
  log(`${where} ${from === undefined ? '' : `--from=${from} `}${words.join(' ')} -> ${dest} (${count} item(s))`);
}

function run(
  stage: Stage,
  instruction: Instruction,
  cacheDir: string,
  where: string,
  log: (line: string) => void,
): void {
  const flags = flagsOf(instruction);
  const links: string[] = [];
  const mount = flags.get('mount');
  if (mount !== undefined) {
    const options = Object.fromEntries(mount.split(',').map((kv) => kv.split('=') as [string, string]));
    if (options.type !== 'cache' || !options.target) {
      throw new Error(`RUN --mount=${mount}: only type=cache mounts are replayed`);
    }
    const cache = path.join(cacheDir, options.target.replace(/[^\w.-]+/g, '_'));
    const target = hostPath(stage, options.target);
    fs.mkdirSync(cache, { recursive: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.symlinkSync(cache, target);
    links.push(target);
  }
  for (const name of flags.keys()) {
    if (name !== 'mount') throw new Error(`RUN --${name} is not replayed`);
  }
  const exec = jsonArgs(instruction);
  const [file, ...argv] = exec ?? ['/bin/sh', '-c', instruction.getArgumentsContent() ?? ''];
  const started = Date.now();
  const home = stage.user === 'root' ? '/root' : `/home/${stage.user}`;
  const result = spawnSync(file!, argv, {
    cwd: hostPath(stage, stage.workdir),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: hostPath(stage, home),
      npm_config_update_notifier: 'false',
      ...stage.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const link of links) fs.rmSync(link, { force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error) throw new Error(`could not run ${file}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`exited with code ${result.status ?? result.signal} after ${seconds} s:\n${output}`);
  }
  log(`${where} ok in ${seconds} s`);
}
