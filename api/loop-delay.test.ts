import { afterEach, describe, expect, it } from 'vitest';
import { createLoopDelayShedder, type LoopDelayShedder } from './loop-delay.js';

const block = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a synchronous handler hogging the loop
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createLoopDelayShedder', () => {
  let shedder: LoopDelayShedder | undefined;
  afterEach(() => shedder?.stop());

  it('refuses while the loop runs later than the limit, and lets requests in once it is on time', async () => {
    shedder = createLoopDelayShedder({ maxDelayMs: 150, sampleMs: 50 });
    await sleep(120);
    block(400);
    await sleep(60); // the sample after the block
    expect(shedder.delayMs).toBeGreaterThanOrEqual(300);
    expect(shedder.refusal()).toMatchObject({ code: 'overloaded', message: expect.stringMatching(/ran \d+ ms late/) });
    // On time again: a few quiet windows (a loaded test machine may add its own small delays).
    const deadline = performance.now() + 5000;
    while (shedder.refusal() !== null && performance.now() < deadline) await sleep(60);
    expect(shedder.refusal()).toBeNull();
  });
});
