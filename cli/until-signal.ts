/**
 * Long-running commands wait here until Ctrl-C (SIGINT) or SIGTERM, then stop what they
 * started, in order. A signal again while stopping exits at once, but only after a grace
 * second: one Ctrl-C under `npm start` arrives twice (the terminal signals the whole
 * process group, and npm forwards its own copy), and `timeout` does the same with SIGTERM.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const first = Date.now();
      const force = (again: NodeJS.Signals) => {
        if (Date.now() - first < 1000) return;
        process.stderr.write(`${again} again: exiting without a clean stop\n`);
        process.exit(again === 'SIGINT' ? 130 : 143);
      };
      process.on('SIGINT', force);
      process.on('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
