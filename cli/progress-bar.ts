/**
 * A progress line for long commands (backfill), on stderr so stdout stays clean. On a
 * terminal it redraws one line; elsewhere (CI logs, pipes) it prints one line per step.
 */
export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  finish(message: string): void;
}

/** A progress bar writing to `stream` (default stderr). */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr, width = 30): ProgressBar {
  const tty = stream.isTTY === true;
  return {
    update(done, total, label) {
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    finish(message) {
      stream.write(tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
    },
  };
}
