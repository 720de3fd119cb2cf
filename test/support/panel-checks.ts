/**
 * What a dashboard panel's query must return for its panel type to draw it (the dashboards
 * tests run every panel's SQL on one server and on the cluster).
 */
import { expect } from 'vitest';
import type { Panel } from '../../dashboards/panel-queries.js';

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;
const TIME = /^(Nullable\()?(DateTime|Date)/;
const TEXT = /^(Nullable\()?(LowCardinality\()?(String|Enum)/;

/** The columns each panel type needs. */
export function checkColumns(
  panel: Panel,
  meta: Array<{ name: string; type: string }>,
  data: Array<Record<string, unknown>>,
): void {
  const numeric = meta.filter((c) => NUMERIC.test(c.type));
  const where = `${panel.title}: columns ${meta.map((c) => `${c.name} ${c.type}`).join(', ')}`;
  switch (panel.type) {
    case 'timeseries': {
      const time = meta.find((c) => c.name === 'time');
      expect(time && TIME.test(time.type), `${where}: needs a time column`).toBe(true);
      expect(numeric.length, where).toBeGreaterThan(0);
      const times = data.map((r) => String(r.time));
      expect(times, `${panel.title}: rows sorted by time`).toEqual([...times].sort());
      break;
    }
    case 'stat':
      expect(numeric.length, where).toBeGreaterThan(0);
      break;
    case 'barchart':
    case 'piechart':
      expect(TEXT.test(meta[0]?.type ?? ''), `${where}: first column is the label`).toBe(true);
      expect(numeric.length, where).toBeGreaterThan(0);
      break;
    case 'xychart':
      for (const s of panel.options?.series ?? []) {
        for (const field of [s.x?.matcher.options, s.y?.matcher.options])
          expect(
            numeric.map((c) => c.name),
            where,
          ).toContain(field);
      }
      expect(numeric.length, where).toBeGreaterThanOrEqual(3);
      break;
    case 'table':
      expect(meta.length, where).toBeGreaterThan(0);
      break;
    default:
      throw new Error(`${panel.title}: panel type ${panel.type} has no column rule here`);
  }
}
