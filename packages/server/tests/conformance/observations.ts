import { isSsekitError } from '@ssekit/contract';
import {
  ContractValidationError,
  FieldInjectionError,
  HandlerError,
  InvalidLastEventIdError,
  SlowConsumerError,
  type SseRouter,
} from '../../src/index.ts';
import type { Observations } from './fixture.ts';

/**
 * An error as the suite checks it, the same whether the router runs in the test process or in another runtime (where
 * the error object cannot cross): its class (decided by `instanceof` where it was thrown, so a bundler renaming
 * classes changes nothing), code and the fields the assertions read.
 */
export interface ErrorSummary {
  kind:
    | 'FieldInjectionError'
    | 'ContractValidationError'
    | 'SlowConsumerError'
    | 'HandlerError'
    | 'InvalidLastEventIdError'
    | 'other';
  code: string | undefined;
  message: string;
  route?: string | undefined;
  event?: string | undefined;
  issuePaths?: string[];
  policy?: string;
  queuedBytes?: number;
  causeMessage?: string;
}

/** What the fixture's handlers observed, plus the host's leftovers: live sessions and live timers. */
export interface Snapshot {
  errors: ErrorSummary[];
  caught: ErrorSummary[];
  aborted: number;
  holdOpened: number;
  floodSent: number;
  pacedSent: number;
  /** `router.sessionCount`. */
  sessions: number;
  /** Subscriptions the fixture's hub holds on this instance. */
  hubSubscribers: number;
  /** Timers alive in the host (Node: `process.getActiveResourcesInfo()`; other runtimes: a census of the globals). */
  timers: number;
}

function kindOf(error: unknown): ErrorSummary['kind'] {
  if (error instanceof FieldInjectionError) return 'FieldInjectionError';
  if (error instanceof ContractValidationError) return 'ContractValidationError';
  if (error instanceof SlowConsumerError) return 'SlowConsumerError';
  if (error instanceof HandlerError) return 'HandlerError';
  if (error instanceof InvalidLastEventIdError) return 'InvalidLastEventIdError';
  return 'other';
}

/** Reduces an error to what the suite asserts on (JSON-safe). */
export function summarizeError(error: unknown): ErrorSummary {
  const summary: ErrorSummary = {
    kind: kindOf(error),
    code: isSsekitError(error) ? error.code : undefined,
    message: error instanceof Error ? error.message : String(error),
  };
  if (error instanceof ContractValidationError) {
    summary.route = error.route;
    summary.event = error.event;
    summary.issuePaths = error.issues.map((issue) => issue.path);
  }
  if (error instanceof SlowConsumerError) {
    summary.policy = error.policy;
    summary.queuedBytes = error.queuedBytes;
  }
  if (error instanceof HandlerError) {
    summary.route = error.route;
    if (error.cause instanceof Error) summary.causeMessage = error.cause.message;
  }
  return summary;
}

/** The fixture's state as the suite reads it. */
export function snapshot(
  seen: Observations,
  router: SseRouter,
  hub: { subscriberCount(): number },
  timers: number,
): Snapshot {
  return {
    errors: seen.errors.map(summarizeError),
    caught: seen.caught.map(summarizeError),
    aborted: seen.aborted,
    holdOpened: seen.holdOpened,
    floodSent: seen.floodSent,
    pacedSent: seen.pacedSent,
    sessions: router.sessionCount,
    hubSubscribers: hub.subscriberCount(),
    timers,
  };
}
