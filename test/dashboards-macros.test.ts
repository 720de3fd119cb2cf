/**
 * ClickHouse itself on the text the Grafana plugin sends for each golden edge case
 * (test/support/macro-goldens.ts): the expander may refuse a macro only where the plugin's
 * own SQL cannot run; dashboards/grafana-macros.test.ts checks the expander's side.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testClickHouse } from './helpers.js';
import { GOLDENS } from './support/macro-goldens.js';

describe('golden edge cases on ClickHouse', () => {
  const clickhouse = testClickHouse();
  afterAll(() => clickhouse.close());
  it.each(Object.entries(GOLDENS).filter(([, g]) => g.plugin !== undefined))(
    'ClickHouse on the plugin text of: %s',
    async (_name, g) => {
      const ran = await clickhouse
        .query({ query: g.plugin!, format: 'JSONEachRow' })
        .then((r) => r.json())
        .then(
          () => true,
          () => false,
        );
      expect(ran).toBe(g.runs);
    },
  );
});
