import { describe, expect, it } from 'vitest';
import { BUILT_MARTS, buildOf, buildsOf, MART_NAMES, mart } from './marts.js';

describe('the mart registry', () => {
  it('builds pages_daily and sources_daily with the sessions, from its staged rows', () => {
    expect(buildOf('pages_daily')).toBe('sessions');
    expect(buildOf('sources_daily')).toBe('sessions');
    expect(buildOf('devices_daily')).toBe('devices_daily');
    expect(mart('sessions').derived).toEqual([
      { table: 'mart_visitors_hourly', staging: 'mart_visitors_hourly_staging' },
      { table: 'mart_sources_daily', staging: 'mart_sources_daily_staging', mart: 'sources_daily' },
      { table: 'mart_pages_daily', staging: 'mart_pages_daily_staging', mart: 'pages_daily' },
    ]);
    expect(() => mart('pages_daily').statements({} as never)).toThrow(/the sessions build fills it/);
  });

  it('a mart built by another is one of its derived tables, in the same unit and window', () => {
    for (const name of MART_NAMES) {
      const m = mart(name);
      if (m.builtBy === undefined) continue;
      const owner = mart(m.builtBy);
      expect(owner.builtBy).toBeUndefined();
      expect(owner.derived).toContainEqual({ table: m.table, staging: m.staging, mart: name });
      expect(m.unit).toBe(owner.unit);
    }
    expect(BUILT_MARTS).not.toContain('pages_daily');
    expect(BUILT_MARTS).toContain('sessions');
  });

  it('turns requested marts into the builds that fill them, once each, in registry order', () => {
    expect(buildsOf(['pages_daily', 'ctr_daily', 'sources_daily', 'sessions'])).toEqual(['sessions', 'ctr_daily']);
    expect(buildsOf(MART_NAMES)).toEqual(BUILT_MARTS);
  });
});
