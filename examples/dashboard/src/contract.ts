import { defineContract } from '@ssekit/contract';
import * as z from 'zod';

/** One measurement of one service. */
export const Sample = z.object({
  service: z.string().min(1).max(32),
  cpu: z.number().min(0).max(100),
  latencyMs: z.number().nonnegative(),
  rps: z.number().nonnegative(),
  at: z.iso.datetime(),
});
/** A service crossed a threshold. */
export const Incident = z.object({
  service: z.string().min(1).max(32),
  level: z.enum(['warning', 'critical']),
  message: z.string().max(200),
  at: z.iso.datetime(),
});
/** The client's `Last-Event-ID` cannot be resumed (e.g. the server restarted): start over from what comes next. */
export const MetricsReset = z.object({ reason: z.enum(['malformed', 'other-epoch', 'expired', 'unknown-position']) });

/**
 * The dashboard's contract: one replayable stream of service metrics and incidents.
 *
 * @example
 * ```ts
 * const hub = createHub(dashboardContract.metrics);
 * await hub.publish({}, 'sample', { service: 'api', cpu: 12, latencyMs: 40, rps: 900, at: new Date().toISOString() });
 * ```
 */
export const dashboardContract = defineContract({
  metrics: {
    path: '/metrics',
    summary: 'Live service metrics and incidents, resumable with Last-Event-ID',
    replay: true,
    resetEvent: 'reset',
    events: { sample: Sample, incident: Incident, reset: MetricsReset },
    examples: {
      sample: [{ service: 'api', cpu: 31.5, latencyMs: 42, rps: 950, at: '2026-01-01T00:00:00.000Z' }],
      incident: [{ service: 'api', level: 'warning', message: 'CPU above 80%', at: '2026-01-01T00:00:00.000Z' }],
      reset: [{ reason: 'other-epoch' }],
    },
  },
});
