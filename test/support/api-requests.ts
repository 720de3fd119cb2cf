/**
 * The POST /events request helpers of the app contract tests (api/app*.test.ts): a valid
 * event, an app over the recording doubles with a fixed clock, and a request builder.
 */
import { createApp } from '../../api/app.js';
import type { ApiDeps } from '../../api/deps.js';
import { TEST_KEY, testDeps } from './api-doubles.js';

export const NOW = Date.parse('2025-06-01T12:00:00.000Z');
export const ORIGIN = 'https://shop.example';

export const event = (over: Record<string, unknown> = {}) => ({
  type: 'click',
  session_id: 'user-session-1001',
  user_id: 1001,
  url: '/catalog?foo=bar',
  created_at: '2025-06-01T11:59:00Z',
  user_agent: 'Mozilla/5.0 (Linux; Android 7.1.1)',
  payload: { event_title: 'checkout', element_id: '#submit-button', x: 445, y: 315 },
  ...over,
});

export function setup(over: Partial<ApiDeps> = {}) {
  const deps = testDeps({ now: () => NOW, ...over });
  return { deps, sink: deps.sink, app: createApp(deps) };
}

type Init = { body?: RequestInit['body']; headers?: Record<string, string>; method?: string; env?: unknown };
export function post(
  app: ReturnType<typeof createApp>,
  path: string,
  { body, headers = {}, method = 'POST', env }: Init = {},
) {
  return app.request(
    path,
    {
      method,
      body: body ?? null,
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': TEST_KEY, ...headers },
    },
    env as never,
  );
}
export const json = (v: unknown) => JSON.stringify(v);
