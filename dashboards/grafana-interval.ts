/**
 * Grafana's `$__interval` for a panel: range / max data points, rounded to a "nice"
 * interval (kbn.roundInterval), never below the panel's min interval; and its text form
 * (rangeutil.secondsToHms), which is what `$__interval` itself expands to.
 */

/** The time context of one rendered query. */
export interface QueryTime {
  from: Date;
  to: Date;
  /** Grafana's $__interval for the panel, in ms (see {@link panelIntervalMs}). */
  intervalMs: number;
}

// Grafana's kbn.roundInterval: the raw interval rounded to a "nice" one.
const ROUNDING: Array<[upToMs: number, intervalMs: number]> = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [32_400_000, 21_600_000],
  [86_400_000, 43_200_000],
  [604_800_000, 86_400_000],
  [1_814_400_000, 604_800_000],
  [3_628_800_000, 2_592_000_000],
];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** '15m' -> 900000. */
export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) throw new Error(`expected a duration such as 30s, 15m, 1h; got "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * The $__interval Grafana computes for a panel: range / max data points (the panel's width in
 * pixels; 1000 here), rounded to a nice interval, and never below the panel's min interval.
 */
export function panelIntervalMs(from: Date, to: Date, minInterval?: string, maxDataPoints = 1000): number {
  const raw = (to.getTime() - from.getTime()) / maxDataPoints;
  const rounded = ROUNDING.find(([upTo]) => raw <= upTo)?.[1] ?? 31_536_000_000;
  return Math.max(rounded, minInterval ? durationMs(minInterval) : 0);
}

/** Grafana's text for an interval (rangeutil.secondsToHms): 20000 -> '20s', 600000 -> '10m'. */
export function intervalText(intervalMs: number): string {
  const seconds = intervalMs / 1000;
  const steps: Array<[number, string]> = [
    [Math.floor(seconds / 31_536_000), 'y'],
    [Math.floor((seconds % 31_536_000) / 86_400), 'd'],
    [Math.floor(((seconds % 31_536_000) % 86_400) / 3_600), 'h'],
    [Math.floor((((seconds % 31_536_000) % 86_400) % 3_600) / 60), 'm'],
    [Math.floor((((seconds % 31_536_000) % 86_400) % 3_600) % 60), 's'],
    [Math.floor(seconds * 1000), 'ms'],
  ];
  const first = steps.find(([n]) => n !== 0);
  return first ? `${first[0]}${first[1]}` : 'less than a millisecond';
}
