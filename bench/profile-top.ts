/**
 * The top frames of V8 CPU profiles (`.cpuprofile`, as `clickstream bench --cpu-prof-dir DIR`
 * writes for the api and consumer): self time per function, and the share of the busy
 * (non-idle) time, so two profiles can be compared frame by frame.
 *
 *   npx tsx bench/profile-top.ts DIR/CPU.*.cpuprofile [--top 25]
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

/** Self time (ms) per frame, busiest first, and the busy total. */
export function topFrames(profile: Profile): { busyMs: number; frames: Array<{ frame: string; ms: number }> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<string, number>();
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    if (IDLE.has(name)) return;
    busyMs += ms;
    const file = url ? shorten(url) : '';
    const frame = file ? `${name} ${file}:${lineNumber + 1}` : name;
    selfMs.set(frame, (selfMs.get(frame) ?? 0) + ms);
  });
  const frames = [...selfMs].map(([frame, ms]) => ({ frame, ms })).sort((a, b) => b.ms - a.ms);
  return { busyMs, frames };
}

function shorten(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm + 'node_modules/'.length);
  return path.relative(process.cwd(), file);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const files = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
  for (const file of files) {
    const { busyMs, frames } = topFrames(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
    console.log(`\n${path.basename(file)}: ${(busyMs / 1000).toFixed(1)} s busy`);
    console.log('| self ms | % of busy | frame |');
    console.log('| ---: | ---: | --- |');
    for (const f of frames.slice(0, top)) {
      console.log(`| ${f.ms.toFixed(0)} | ${((100 * f.ms) / busyMs).toFixed(1)} | \`${f.frame}\` |`);
    }
  }
}
