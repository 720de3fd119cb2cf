import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrate } from '../migrations/runner.js';
import { queryRows, testClickHouse, testLogin, uniqueName, withPgClient } from './helpers.js';

/** A migrations folder of its own and a database of its own, so nothing is shared. */
function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  const database = uniqueName('mig');
  const target = { url: inject('clickhouseUrl'), ...testLogin('admin'), database };
  const run = () => withPgClient((postgres) => migrate({ clickhouse: target, postgres, log: () => {}, dir }));
  return { dir, database, run };
}

describe('migrate', () => {
  it('applies each file once, in order, even when two processes run it at the same time', async () => {
    const { dir, database, run } = scratch();
    fs.writeFileSync(
      path.join(dir, '0001_a.sql'),
      'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO a VALUES (1);',
    );
    fs.writeFileSync(path.join(dir, '0002_b.sql'), 'INSERT INTO a VALUES (2)');
    const results = await Promise.all([run(), run()]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['0001_a.sql', '0002_b.sql']);
    const clickhouse = testClickHouse(database);
    // A double apply would have inserted a row twice.
    expect(await queryRows(clickhouse, 'SELECT x FROM a ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }]);
    expect(await queryRows(clickhouse, 'SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
      { version: 1, name: 'a' },
      { version: 2, name: 'b' },
    ]);
    expect((await run()).applied).toEqual([]);
    await clickhouse.command({ query: `DROP DATABASE ${database}` });
    await clickhouse.close();
  });

  it('refuses an applied migration that was edited, naming the file', async () => {
    const { dir, database, run } = scratch();
    const file = path.join(dir, '0001_a.sql');
    fs.writeFileSync(file, 'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x');
    await run();
    fs.writeFileSync(file, 'CREATE TABLE IF NOT EXISTS a (x UInt16) ENGINE = MergeTree ORDER BY x');
    await expect(run()).rejects.toThrow(/0001_a\.sql was edited after it was applied/);
    const clickhouse = testClickHouse(database);
    await clickhouse.command({ query: `DROP DATABASE ${database}` });
    await clickhouse.close();
  });

  it('refuses a badly named file with the expected form', async () => {
    const { dir, run } = scratch();
    fs.writeFileSync(path.join(dir, '1_a.sql'), 'SELECT 1');
    await expect(run()).rejects.toThrow(/expected a name like 0002_add_marts\.sql/);
  });
});
