/**
 * The fault suite's traffic: requests started at a fixed rate (open loop, like thousands
 * of independent browsers: a slow answer does not slow the arrivals), each retried as the
 * browser SDK does, with the same event ids, after `Retry-After` (+ up to 50 % jitter) on a
 * 503/429 or a second after a connection error or a 408, until accepted or out of attempts. What it records is what the
 * final comparison and the latency table need: every accepted event id, every answer's
 * status and service time, and the ids whose fate is unknown (answered "may or may not be
 * stored" and never accepted afterwards).
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Traffic, TrafficRequest } from '../bench/traffic.js';

/** One answer (an attempt), for latency and status accounting. */
export interface Attempt {
  /** ms since the run's epoch (performance.now()) when the attempt started. */
  at: number;
  ms: number;
  /** HTTP status, or 0 for a connection error / client timeout. */
  status: number;
  /** The error code of a refusal (503 sink_unavailable, sink_busy, ...), when the body had one. */
  code?: string;
  /** Sent on a kept-alive connection (not a new one). */
  reused?: boolean;
}

export interface ClientResult {
  attempts: Attempt[];
  accepted: Set<string>;
  /** Ids sent but never accepted: refused after all attempts (they may have landed: timeouts). */
  givenUp: Set<string>;
  /** Requests (not attempts) started. */
  requests: number;
  /** Requests that needed more than one attempt. */
  retried: number;
}

export interface RetryingClientOptions {
  url: string;
  traffic: Traffic;
  /** Requests started per second. */
  ratePerS: number;
  /** Attempts per request before it is given up. */
  maxAttempts?: number;
  /** ms epoch to report `Attempt.at` against (the run's start). */
  epoch: number;
}

interface Answer {
  status: number;
  body: string;
  retryAfter: number | undefined;
  reused: boolean;
}

function post(agent: http.Agent, url: URL, request: TrafficRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(request.body),
          'X-Write-Key': request.key,
          'User-Agent': request.userAgent,
        },
        timeout: 30_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const header = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            body,
            retryAfter: Number.isFinite(header) ? header : undefined,
            reused: req.reusedSocket,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out after 30 s')));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Starts the traffic; `stop()` ends new requests and resolves once retries are done (bounded). */
export function startRetryingClient(options: RetryingClientOptions) {
  const url = new URL('/events', options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });
  const maxAttempts = options.maxAttempts ?? 30;
  const result: ClientResult = { attempts: [], accepted: new Set(), givenUp: new Set(), requests: 0, retried: 0 };
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let retryDeadline = Number.POSITIVE_INFINITY;

  const send = async (request: TrafficRequest) => {
    for (let attempt = 1; ; attempt++) {
      const at = performance.now();
      let answer: Answer | undefined;
      try {
        answer = await post(agent, url, request);
      } catch {
        answer = undefined;
      }
      const record: Attempt = { at: at - options.epoch, ms: performance.now() - at, status: answer?.status ?? 0 };
      if (answer) record.reused = answer.reused;
      if (answer && answer.status >= 400) record.code = errorCode(answer.body);
      result.attempts.push(record);
      if (answer?.status === 202) {
        const body = JSON.parse(answer.body) as { rejected: Array<{ index: number }> };
        const rejected = new Set(body.rejected.map((r) => r.index));
        request.eventIds.forEach((id, i) => {
          if (!rejected.has(i)) result.accepted.add(id);
        });
        return;
      }
      // 408: the server cut a request it did not get in time; resending the same ids is safe.
      const retryable = answer === undefined || [408, 429, 503].includes(answer.status);
      if (!retryable || attempt >= maxAttempts || performance.now() > retryDeadline) {
        if (retryable) for (const id of request.eventIds) result.givenUp.add(id);
        return;
      }
      if (attempt === 1) result.retried++;
      // As the SDK (sdk/src/backoff.ts): Retry-After as a minimum (else a second, after a
      // connection error or a timeout), plus up to 50 % jitter.
      await sleep(Math.round((answer?.retryAfter ?? 1) * 1000 * (1 + Math.random() / 2)));
    }
  };

  const started = performance.now();
  const loop = (async () => {
    for (let n = 0; !stopping; n++) {
      const due = started + (n * 1000) / options.ratePerS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopping) break;
      result.requests++;
      const p = send(options.traffic.next()).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  })();

  return {
    result,
    /** Stops starting requests; retries continue up to `graceMs`, then end. */
    async stop(graceMs: number): Promise<ClientResult> {
      stopping = true;
      retryDeadline = performance.now() + graceMs;
      await loop;
      while (inFlight.size > 0) await Promise.race([...inFlight]);
      // Accepted after all: not in doubt.
      for (const id of result.accepted) result.givenUp.delete(id);
      agent.destroy();
      return result;
    },
  };
}

function errorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: unknown }).error;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
