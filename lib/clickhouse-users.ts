/**
 * The ClickHouse users every deployment has, embedded or Docker (docker/clickhouse/users.xml
 * defines them; both servers read that one file):
 *   admin   schema changes (`clickstream migrate`) and admin work (the bench's scratch
 *           tables); ALL on every database.
 *   writer  what the roles connect as: the consumer inserts events, the ETL rebuilds mart
 *           partitions and logs its runs. No DDL.
 *   reader  Grafana: SELECT only, profile readonly = 2.
 * Their passwords come from CLICKHOUSE_ADMIN_PASSWORD / _WRITER_ / _READER_ (local defaults
 * below, fine on loopback; the Docker stack's .env sets its own).
 */

export const CLICKHOUSE_USERS = {
  admin: 'clickstream_admin',
  writer: 'clickstream_writer',
  reader: 'clickstream_reader',
} as const;

export type ClickHouseRole = keyof typeof CLICKHOUSE_USERS;

export const LOCAL_PASSWORDS: Readonly<Record<ClickHouseRole, string>> = {
  admin: 'clickstream-admin',
  writer: 'clickstream-writer',
  reader: 'clickstream-reader',
};

/** The environment variable holding each user's password (users.xml reads them with from_env). */
export const PASSWORD_VARIABLES: Readonly<Record<ClickHouseRole, string>> = {
  admin: 'CLICKHOUSE_ADMIN_PASSWORD',
  writer: 'CLICKHOUSE_WRITER_PASSWORD',
  reader: 'CLICKHOUSE_READER_PASSWORD',
};

export interface ClickHouseLogin {
  readonly user: string;
  readonly password: string;
}

/**
 * Who connects as whom. With CLICKHOUSE_USER set (a server with users of its own, or one
 * Docker service told which user it is), that login does this process's work; without it,
 * the roles are the writer and migrations the admin. Dashboards always read as the reader.
 */
export function clickhouseLogins(
  explicit: ClickHouseLogin | undefined,
  passwords: Readonly<Record<ClickHouseRole, string>>,
): { roles: ClickHouseLogin; admin: ClickHouseLogin; reader: ClickHouseLogin } {
  const login = (role: ClickHouseRole): ClickHouseLogin => ({
    user: CLICKHOUSE_USERS[role],
    password: passwords[role],
  });
  return {
    roles: explicit ?? login('writer'),
    admin: explicit ?? login('admin'),
    reader: login('reader'),
  };
}
