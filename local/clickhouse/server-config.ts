/**
 * The `--config-file` of the embedded ClickHouse: one XML config that names the users file
 * (so the embedded server has exactly the Docker stack's users, passwords and readonly
 * profile) and, for a cluster of embedded nodes, the `remote_servers` they share. Every
 * other setting keeps clickhouse-local's default.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** docker/clickhouse/users.xml: the one users file, shared with the Docker stack. */
export const USERS_FILE = fileURLToPath(new URL('../../docker/clickhouse/users.xml', import.meta.url));

export interface ClusterNode {
  host: string;
  /** The node's native (TCP) port: it must equal that node's --tcp_port for is_local to hold. */
  port: number;
}

export interface ServerConfigOptions {
  usersFile: string;
  /** Clusters by name, each a list of shards of one replica (embedded nodes cannot replicate). */
  remoteServers?: Record<string, { shards: ClusterNode[]; user: string; password: string }>;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function remoteServersXml(clusters: NonNullable<ServerConfigOptions['remoteServers']>): string {
  const body = Object.entries(clusters).map(([name, cluster]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`cluster name "${name}" is not a plain identifier`);
    const shards = cluster.shards.map(
      (node) =>
        `      <shard><replica><host>${escapeXml(node.host)}</host><port>${node.port}</port>` +
        `<user>${escapeXml(cluster.user)}</user><password>${escapeXml(cluster.password)}</password></replica></shard>`,
    );
    return `    <${name}>\n${shards.join('\n')}\n    </${name}>`;
  });
  // the embedded default is 0 threads: rows queued for a background Distributed send never leave
  return [
    '  <background_distributed_schedule_pool_size>4</background_distributed_schedule_pool_size>',
    `  <remote_servers>\n${body.join('\n')}\n  </remote_servers>`,
  ].join('\n');
}

/** The config file's text. */
export function serverConfigXml(options: ServerConfigOptions): string {
  const sections = [`  <users_config>${escapeXml(options.usersFile)}</users_config>`];
  if (options.remoteServers) sections.push(remoteServersXml(options.remoteServers));
  return `<?xml version="1.0"?>\n<!-- written by clickstream at each start: edits are lost -->\n<clickhouse>\n${sections.join('\n')}\n</clickhouse>\n`;
}

/** Writes the config into its own folder (ClickHouse also reads `config.d/` beside it) and returns its path. */
export function writeServerConfig(dir: string, options: ServerConfigOptions): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'config.xml');
  fs.writeFileSync(file, serverConfigXml(options));
  return file;
}
