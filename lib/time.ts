/**
 * The two time forms the project writes everywhere: ClickHouse's DateTime64(3) text and the
 * UTC calendar day. One definition each, so the consumer, the ETL and the bench cannot drift.
 */

/**
 * A Date as ClickHouse's DateTime64(3) text form in UTC, `'YYYY-MM-DD hh:mm:ss.sss'`: what
 * `DateTime64(3, 'UTC')` columns and `{name:DateTime64(3, 'UTC')}` query params parse
 * without guessing a time zone.
 * @throws {RangeError} for an invalid Date.
 */
export function clickHouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The UTC calendar day of `date` as `'YYYY-MM-DD'`: the unit of a mart partition and the
 * key of the daily visitor salt.
 * @throws {RangeError} for an invalid Date (`new Date('nope')`).
 */
export function utcDay(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('utcDay: invalid Date');
  // toISOString is `YYYY-MM-DDTHH:mm:ss.sssZ` for years 0000-9999, which covers any real event.
  return date.toISOString().slice(0, 10);
}
