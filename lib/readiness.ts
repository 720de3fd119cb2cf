/**
 * Readiness, as both roles report it on `/readyz`: ready or not, and the state of each
 * dependency in words, so whoever looks (a load balancer, an operator with curl) learns
 * *which* dependency is the problem, not only that there is one.
 */

/** One dependency: whether it lets this instance do its job, and what is known about it. */
export interface DependencyStatus {
  ok: boolean;
  detail: string;
  [fact: string]: unknown;
}

export interface ReadinessReport {
  ready: boolean;
  dependencies: Record<string, DependencyStatus>;
}

/** The `/readyz` answer for a report: 200 when ready, else 503 naming what is not. */
export function readinessAnswer(report: ReadinessReport): { status: 200 | 503; body: Record<string, unknown> } {
  if (report.ready) return { status: 200, body: { status: 'ready', dependencies: report.dependencies } };
  const failing = Object.entries(report.dependencies)
    .filter(([, d]) => !d.ok)
    .map(([name, d]) => `${name}: ${d.detail}`);
  return {
    status: 503,
    body: { status: 'not_ready', reason: failing.join('; ') || 'not ready', dependencies: report.dependencies },
  };
}
