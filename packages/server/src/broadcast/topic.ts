import { SsekitError } from '@ssekit/contract';

/** Turns a route's parsed params into the topic its events are published on. */
export type TopicFn<Params> = (params: Params) => string;

/** Longest topic we accept (it becomes part of a store key). */
export const MAX_TOPIC_LENGTH = 1024;

/**
 * A publish or subscribe named a topic that cannot exist: a param value that is not well-formed Unicode, or a topic
 * longer than {@link MAX_TOPIC_LENGTH}.
 *
 * @example
 * ```ts
 * await hub.publish({ roomId: '\uD800' }, 'message', msg); // throws TopicError
 * ```
 */
export class TopicError extends SsekitError<'TOPIC'> {
  readonly route: string;
  constructor(route: string, reason: string) {
    super('TOPIC', `route "${route}": cannot derive a topic: ${reason}`);
    this.route = route;
  }
}

/**
 * The default topic of a route: its key, then every path param in path order, each percent-encoded and prefixed with
 * `/`. `encodeURIComponent` always encodes `/`, the param count is fixed per route and route keys are identifiers,
 * so two different param tuples (or routes) never share a topic.
 *
 * @example
 * ```ts
 * defaultTopic('room', ['roomId'], { roomId: 'a/b c' }); // 'room/a%2Fb%20c'
 * ```
 */
export function defaultTopic(routeKey: string, paramNames: readonly string[], params: Record<string, unknown>): string {
  let topic = routeKey;
  for (const name of paramNames) {
    const value = params[name];
    if (value === undefined || value === null) throw new TopicError(routeKey, `param "${name}" is missing`);
    let encoded: string;
    try {
      encoded = encodeURIComponent(String(value));
    } catch {
      throw new TopicError(routeKey, `param "${name}" is not well-formed Unicode`);
    }
    topic += `/${encoded}`;
  }
  return checkTopic(routeKey, topic);
}

/** Checks a (possibly user-derived) topic: a non-empty string of at most {@link MAX_TOPIC_LENGTH} chars. */
export function checkTopic(routeKey: string, topic: unknown): string {
  if (typeof topic !== 'string' || topic === '') throw new TopicError(routeKey, 'the topic must be a non-empty string');
  if (topic.length > MAX_TOPIC_LENGTH) {
    throw new TopicError(routeKey, `the topic is longer than ${MAX_TOPIC_LENGTH} characters`);
  }
  return topic;
}
