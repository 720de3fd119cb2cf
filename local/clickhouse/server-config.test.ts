import { describe, expect, it } from 'vitest';
import { serverConfigXml } from './server-config.js';

describe('embedded ClickHouse config', () => {
  it('names the users file (escaped) and nothing else by default', () => {
    const xml = serverConfigXml({ usersFile: '/srv/a&b/users.xml' });
    expect(xml).toContain('<users_config>/srv/a&amp;b/users.xml</users_config>');
    expect(xml).not.toContain('remote_servers');
  });

  it('takes a cluster in the same file: shards on their TCP ports, a login, background sends on', () => {
    const xml = serverConfigXml({
      usersFile: '/u.xml',
      remoteServers: {
        local_cluster: {
          shards: [
            { host: '127.0.0.1', port: 19000 },
            { host: '127.0.0.1', port: 19001 },
          ],
          user: 'clickstream_admin',
          password: 'p<w>',
        },
      },
    });
    expect(xml).toContain('<users_config>/u.xml</users_config>');
    expect(xml.match(/<shard>/g)).toHaveLength(2);
    expect(xml).toContain('<port>19001</port><user>clickstream_admin</user><password>p&lt;w&gt;</password>');
    expect(xml).toContain('<background_distributed_schedule_pool_size>4</background_distributed_schedule_pool_size>');
    expect(() =>
      serverConfigXml({ usersFile: '/u', remoteServers: { 'a b': { shards: [], user: '', password: '' } } }),
    ).toThrow(/not a plain identifier/);
  });
});
