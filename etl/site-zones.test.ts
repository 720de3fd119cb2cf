import { describe, expect, it } from 'vitest';
import { zoneSql, zonesInUse } from './site-zones.js';
import { expandFragments, renderSql } from './sql-template.js';

describe('zoneSql', () => {
  it('with no zoned site, every date is UTC and no params are needed', () => {
    const z = zoneSql(new Map());
    expect(z.siteZone('d.site_id')).toBe('toUInt16(0)');
    expect(z.local('toDate', 'd.ts', 'site_zone')).toBe("toDate(d.ts, 'UTC')");
    expect(z.params).toEqual({ zone_sites: [], zone_index: [] });
  });

  it('one multiIf branch per zone in use, the zone names as params', () => {
    const z = zoneSql(
      new Map([
        ['shop', 'Europe/Moscow'],
        ['blog', 'Asia/Kolkata'],
        ['news', 'Europe/Moscow'],
      ]),
    );
    expect(z.params).toEqual({
      zone_sites: ['shop', 'blog', 'news'],
      zone_index: [2, 1, 2],
      tz1: 'Asia/Kolkata',
      tz2: 'Europe/Moscow',
    });
    expect(z.local('toDate', 'd.ts', 'site_zone')).toBe(
      "multiIf(site_zone = 1, toDate(d.ts, {tz1:String}), site_zone = 2, toDate(d.ts, {tz2:String}), toDate(d.ts, 'UTC'))",
    );
    expect(z.siteZone('d.site_id')).toContain('transform(d.site_id, {zone_sites:Array(String)}');
  });

  it('zonesInUse puts UTC first, each zone once', () => {
    expect(
      zonesInUse(
        new Map([
          ['a', 'Asia/Kolkata'],
          ['b', 'Asia/Kolkata'],
          ['c', 'UTC'],
        ]),
      ),
    ).toEqual(['UTC', 'Asia/Kolkata']);
  });
});

describe('sql templates', () => {
  it('expands nested fragments and leaves per-build markers for renderSql', () => {
    const sql = expandFragments('WITH {{deduped_events}} SELECT 1');
    expect(sql).toContain('identity_links AS (');
    expect(sql).toContain('{{local_date}}');
    expect(
      renderSql(sql, { site_zone: 'toUInt16(0)', local_date: "toDate(d.ts, 'UTC')", event_filter: '1' }),
    ).not.toMatch(/\{\{/);
    expect(() => renderSql(sql, { site_zone: 'x', event_filter: '1' })).toThrow(/\{\{local_date\}\} has no value/);
  });
});
