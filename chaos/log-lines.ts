/**
 * Counts a role's warning lines (pino level >= 40) in its log file, in all and within a
 * wall-clock window: how much an outage makes the API write to its log.
 */
import fs from 'node:fs';

export function countWarnLines(
  file: string,
  window: { from: number; to: number },
): { total: number; inWindow: number } {
  let total = 0;
  let inWindow = 0;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { level?: number; time?: number };
    try {
      entry = JSON.parse(line) as { level?: number; time?: number };
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < 40) continue;
    total++;
    if (entry.time !== undefined && entry.time >= window.from && entry.time < window.to) inWindow++;
  }
  return { total, inWindow };
}
