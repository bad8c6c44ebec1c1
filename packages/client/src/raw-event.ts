/**
 * One dispatched SSE event, exactly as it came off the wire.
 *
 * `event` is `message` when the block had no (or an empty) `event:` field. `id` is the
 * stream's last event id at dispatch time: it persists across later events that carry no
 * `id:` field, and is `undefined` when none is known (or the server reset it with an empty `id:`).
 *
 * @example
 * ```ts
 * const raw: RawSseEvent = { event: 'message', data: 'hello', id: '42' };
 * ```
 */
export interface RawSseEvent {
  event: string;
  data: string;
  id: string | undefined;
}
