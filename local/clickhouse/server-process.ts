/**
 * The embedded ClickHouse server process. Run as its own child process by
 * `local/clickhouse/service.ts`; never imported.
 *
 * libchdb (from the `chdb` npm package) is the full ClickHouse engine in `clickhouse local`
 * mode. Asked to, that mode serves HTTP and the native TCP protocol, but only while the
 * call that asked is still running. So this process's main thread calls
 * `chdb_query_cmdline` with a query list that starts the listeners and then blocks in a
 * sleep that lasts for years. SIGTERM ends the process (its default action); ClickHouse
 * writes MergeTree parts atomically, so the data in `--path` survives.
 *
 * Why ffi-rs: it calls on the main thread's own stack. koffi switches to a stack of its
 * own, which ClickHouse's stack-size check rejects; the chdb package's Session API cannot
 * start listeners at all.
 *
 * argv[2] is a JSON {@link ServerProcessArgs}.
 */
import { DataType, load, open } from 'ffi-rs';

export interface ServerProcessArgs {
  library: string;
  dataDir: string;
  httpPort: number;
  tcpPort: number;
  /** The --config-file (server-config.ts): users_config, and remote_servers in cluster mode. */
  configFile: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ServerProcessArgs;

// Blocks for ~114 years: one row per hour, one row per block, no per-block sleep cap.
const blockForever =
  'SELECT sleepEachRow(3600) FROM numbers(1000000) ' +
  'SETTINGS function_sleep_max_microseconds_per_block = 0, max_block_size = 1, max_execution_time = 0';

const argv = [
  'clickhouse',
  `--path=${args.dataDir}`,
  '--listen_host=127.0.0.1',
  `--http_port=${args.httpPort}`,
  `--tcp_port=${args.tcpPort}`,
  `--config-file=${args.configFile}`,
  '--multiquery',
  `--query=SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; ${blockForever}`,
];

open({ library: 'chdb', path: args.library });
process.stderr.write(`clickhouse: serving http=${args.httpPort} tcp=${args.tcpPort} path=${args.dataDir}\n`);
const result = load({
  library: 'chdb',
  funcName: 'chdb_query_cmdline',
  retType: DataType.External,
  paramsType: [DataType.I32, DataType.StringArray],
  paramsValue: [argv.length, argv],
});
// Reaching this line means ClickHouse refused the command line (a bad flag, a port it
// could not bind): the reason is already on stderr, which the parent shows the user.
process.stderr.write(`clickhouse: exited early (${String(result)})\n`);
process.exit(1);
