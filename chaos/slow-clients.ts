/**
 * Slow clients against the API during the fault run: connections that send nothing,
 * connections that trickle their headers, connections that trickle a body. Each must be
 * cut off by the server within its limit (API_HEADERS_TIMEOUT_MS for the first two,
 * API_REQUEST_TIMEOUT_MS for the third), while normal traffic goes on being served.
 */
import net from 'node:net';

export type SlowKind = 'silent' | 'slow_headers' | 'trickled_body';

export interface SlowClientsResult {
  kind: SlowKind;
  opened: number;
  /** Closed by the server before the end of the run. */
  cut: number;
  /** Longest time to the server's close, in s. */
  maxCutS: number;
}

/** Opens `counts` connections of each kind to 127.0.0.1:`port`; `stop()` closes the survivors and reports. */
export function startSlowClients(port: number, counts: Record<SlowKind, number>) {
  const sockets: Array<{ kind: SlowKind; socket: net.Socket; openedAt: number; cutAfterMs?: number }> = [];
  const timers: NodeJS.Timeout[] = [];
  for (const kind of Object.keys(counts) as SlowKind[]) {
    for (let i = 0; i < counts[kind]; i++) {
      const socket = net.connect(port, '127.0.0.1');
      const entry: (typeof sockets)[number] = { kind, socket, openedAt: performance.now() };
      sockets.push(entry);
      socket.on('error', () => {});
      // Read what the server says (its 408): a paused socket would never see the server's close.
      socket.on('data', () => {});
      socket.on('close', () => (entry.cutAfterMs ??= performance.now() - entry.openedAt));
      socket.on('connect', () => {
        // Timed from the connection, as the server times it (a SYN may have waited in line).
        entry.openedAt = performance.now();
        if (kind === 'slow_headers') {
          socket.write('POST /events HTTP/1.1\r\nHost: collector\r\n');
          const t = setInterval(() => socket.writable && socket.write(`X-Slow-${i}: 1\r\n`), 1000);
          timers.push(t);
        } else if (kind === 'trickled_body') {
          socket.write(
            'POST /events HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\nX-Write-Key: csk_slow\r\nContent-Length: 1000000\r\n\r\n[',
          );
          const t = setInterval(() => socket.writable && socket.write(' '), 1000);
          timers.push(t);
        }
      });
    }
  }
  return {
    stop(): SlowClientsResult[] {
      const stoppedAt = performance.now();
      for (const t of timers) clearInterval(t);
      const results = new Map<SlowKind, SlowClientsResult>();
      for (const s of sockets) {
        const r = results.get(s.kind) ?? { kind: s.kind, opened: 0, cut: 0, maxCutS: 0 };
        r.opened++;
        const cut = s.cutAfterMs !== undefined && s.openedAt + s.cutAfterMs <= stoppedAt;
        if (cut) {
          r.cut++;
          r.maxCutS = Math.max(r.maxCutS, s.cutAfterMs! / 1000);
        }
        results.set(s.kind, r);
        s.socket.destroy();
      }
      return [...results.values()];
    },
  };
}
