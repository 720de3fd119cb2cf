/**
 * Run an async dependency call (sink send, site lookup, readiness probe) with a deadline,
 * and learn how it ended as a value instead of an exception.
 *
 * Why a helper: a hanging Kafka producer must turn into a 503 after `produceTimeoutMs`,
 * never a hung request; and the call that lost the race may still reject later, which
 * would be an unhandled rejection (fatal under Node's default `--unhandled-rejections=throw`)
 * unless someone is listening. This function always is.
 */

/** How a call ended. `late` rejections after a timeout are passed to `onLateError`. */
export type DeadlineResult<T> = { kind: 'ok'; value: T } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

/**
 * Call `fn` and settle within `timeoutMs`. Never rejects, also when `fn` throws
 * synchronously or returns a non-promise.
 *
 * @param onLateError called if `fn` rejects after the deadline passed (to log it)
 */
export function withDeadline<T>(
  fn: () => Promise<T> | T,
  timeoutMs: number,
  onLateError?: (error: unknown) => void,
): Promise<DeadlineResult<T>> {
  return new Promise<DeadlineResult<T>>((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    // Promise.resolve().then(fn): a synchronous throw becomes a rejection too.
    Promise.resolve()
      .then(fn)
      .then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ kind: 'ok', value });
        },
        (error: unknown) => {
          if (settled) {
            onLateError?.(error);
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve({ kind: 'error', error });
        },
      )
      // onLateError itself throwing must not become an unhandled rejection either.
      .catch(() => undefined);
  });
}
