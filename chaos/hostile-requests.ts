/**
 * Hostile requests during the fault run, each followed by a canary event: an input that
 * wedged the pipeline (a row the consumer retried forever) would keep every later canary
 * out of ClickHouse. A hostile request must be answered 202 (stored as sent, or repaired)
 * or 4xx with a reason, never 5xx but 503; a canary must arrive.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface HostileRequest {
  name: string;
  body: string | Buffer;
  contentType: string;
}

const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** The catalogue, one event per request (fresh event ids on every call). */
export function hostileRequests(): HostileRequest[] {
  const one = (name: string, fields: string): HostileRequest => ({
    name,
    contentType: 'application/json',
    body: `[{"type":"custom_hostile","event_id":"${crypto.randomUUID()}",${fields}}]`,
  });
  return [
    one('lone surrogate in session_id', '"session_id":"\\ud800"'),
    one('lone surrogates in url, key and value', '"url":"/p/\\udc00x","payload":{"k\\ud83d":"\\udc00\\ud800"}'),
    one('NUL and control characters', '"session_id":"a\\u0000b","payload":{"ctl":"\\u0001\\u001f\\u007f\\u202e"}'),
    one('-0 coordinates', '"payload":{"x":-0,"y":-0}'),
    one('__proto__ and constructor keys', '"payload":{"__proto__":{"polluted":"yes"},"constructor":"c"}'),
    one('64 KB payload string', `"payload":{"big":"${'x'.repeat(65_536)}"}`),
    one('1e400 in payload', '"payload":{"price":1e400}'),
    one('x beyond Int32', '"payload":{"x":1e12}'),
    one('user_id beyond 2^53', '"user_id":123456789012345678901234567890'),
    one('nesting 200 deep', `"payload":{"n":${deep(200)}}`),
    { name: 'malformed JSON', contentType: 'application/json', body: '[{"type":"click",}' },
    { name: 'a million brackets', contentType: 'application/json', body: '['.repeat(1_000_000) },
    {
      name: 'invalid UTF-8 in text/plain',
      contentType: 'text/plain',
      body: Buffer.concat([
        Buffer.from('[{"type":"custom_hostile","session_id":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}]'),
      ]),
    },
    { name: 'wrong content type', contentType: 'application/x-www-form-urlencoded', body: 'a=1' },
  ];
}

export interface HostileResult {
  requests: number;
  statuses: Record<string, number>;
  /** Hostile events answered 202: each must be stored or dead-lettered. */
  acceptedIds: string[];
  canariesPosted: number;
  /** Canary id → ms epoch time it was accepted. */
  canaries: Map<string, number>;
  canaryStatuses: Record<string, number>;
}

/** Posts hostile requests with a canary after each, every `everyMs`, until stopped. */
export function startHostileTraffic(o: {
  url: string;
  hostileKey: string;
  canaryKey: string;
  everyMs: number;
  /** For 5xx accounting of every answer. */
  onAnswer: (status: number) => void;
}) {
  const result: HostileResult = {
    requests: 0,
    statuses: {},
    acceptedIds: [],
    canariesPosted: 0,
    canaries: new Map(),
    canaryStatuses: {},
  };
  let stopping = false;
  const post = async (key: string, body: string | Buffer, contentType: string) => {
    try {
      const res = await fetch(`${o.url}/events`, {
        method: 'POST',
        headers: { 'Content-Type': contentType, 'X-Write-Key': key },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      o.onAnswer(res.status);
      return { status: res.status, text };
    } catch {
      return { status: 0, text: '' };
    }
  };
  const count = (into: Record<string, number>, status: number) => (into[status] = (into[status] ?? 0) + 1);

  const canary = async () => {
    const id = crypto.randomUUID();
    result.canariesPosted++;
    // Retried as a browser would, through any outage of the run (each lasts well under a minute).
    for (let attempt = 0; attempt < 60; attempt++) {
      // A session of its own: canaries spread over every partition, as the hostile events do.
      const body = JSON.stringify([{ type: 'canary', event_id: id, session_id: `canary-${id}`, url: '/canary' }]);
      const { status } = await post(o.canaryKey, body, 'application/json');
      count(result.canaryStatuses, status);
      if (status === 202) {
        result.canaries.set(id, Date.now());
        return;
      }
      await sleep(1000);
    }
  };

  const canaries = new Set<Promise<void>>();
  const loop = (async () => {
    const catalogue = hostileRequests();
    for (let i = 0; !stopping; i++) {
      if (i % catalogue.length === 0 && i > 0) catalogue.splice(0, catalogue.length, ...hostileRequests());
      const request = catalogue[i % catalogue.length]!;
      const { status, text } = await post(o.hostileKey, request.body, request.contentType);
      result.requests++;
      count(result.statuses, status);
      if (status === 202 && typeof request.body === 'string') {
        const accepted = (JSON.parse(text) as { accepted: number }).accepted;
        const id = /"event_id":"([0-9a-f-]{36})"/.exec(request.body)?.[1];
        if (accepted === 1 && id) result.acceptedIds.push(id);
      }
      // Posted once the hostile request is answered, so it queues behind it; retried on its
      // own, so an outage does not stop the hostile requests.
      const c = canary().finally(() => canaries.delete(c));
      canaries.add(c);
      await sleep(o.everyMs);
    }
    await Promise.all([...canaries]);
  })();

  return {
    result,
    async stop(): Promise<HostileResult> {
      stopping = true;
      await loop;
      return result;
    },
  };
}
