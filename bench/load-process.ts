/**
 * Entry of the load-generator child process (see load-child.ts): builds the traffic, runs
 * the load and sends the result to the parent over IPC. A process of its own so that
 * generating and posting traffic does not share an event loop with the API under test,
 * and so that its CPU is measured apart from the API's.
 */
import { runLoad } from './load-driver.js';
import { createTraffic } from './traffic.js';
import type { LoadChildArgs } from './load-child.js';

const args = JSON.parse(process.argv[2] ?? '{}') as LoadChildArgs;
const traffic = createTraffic({
  sites: args.sites,
  seed: args.seed,
  ...(args.batchSize ? { batchSize: args.batchSize } : {}),
});
try {
  const result = await runLoad({
    url: args.url,
    traffic,
    durationMs: args.durationMs,
    connections: args.connections,
    ...(args.pipelining ? { pipelining: args.pipelining } : {}),
    ...(args.rate ? { rate: args.rate } : {}),
    ...(args.maxEvents ? { maxEvents: args.maxEvents } : {}),
  });
  process.send?.({ ok: true, result });
} catch (error) {
  process.send?.({ ok: false, error: (error as Error).message });
}
process.disconnect?.();
