import { createEventDecoder, type EventDecoder, type RawSseEvent, type StandardSchemaLike } from '@ssekit/client';
import type { AnyContractRoute, SerializeInfo } from '@ssekit/contract';

/** What {@link createEventChecker} says about one received event. */
export type EventVerdict =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: 'undeclared' | 'invalid'; readonly message: string };

/**
 * Checks received events against a contract route the way a generated client does: the event name must be declared,
 * and its data must deserialize (the route's deserializer, else text verbatim for text events and JSON otherwise) and
 * pass the event's schema.
 *
 * @example
 * ```ts
 * const check = createEventChecker('greetings', contract.greetings);
 * check({ event: 'greeting', data: '{"text":"hi","n":1}', id: '1' }); // { ok: true, value: { text: 'hi', n: 1 } }
 * ```
 */
export function createEventChecker(key: string, route: AnyContractRoute): (raw: RawSseEvent) => EventVerdict {
  const internals = route['~ssekit'];
  const decoders = new Map<string, EventDecoder>();
  for (const name of internals.eventNames) {
    const schema = route.events[name];
    const encoding = internals.encodings[name] ?? 'json';
    const info: SerializeInfo = { route: key, path: route.path, event: name, schema, encoding };
    const deserialize = route.deserialize;
    decoders.set(
      name,
      createEventDecoder({
        schema: schema as unknown as StandardSchemaLike,
        encoding,
        route: key,
        ...(deserialize ? { deserialize: (text: string) => deserialize(text, info) } : {}),
      }),
    );
  }
  const declared = internals.eventNames.join(', ');
  return (raw) => {
    const decode = decoders.get(raw.event);
    if (!decode) {
      return {
        ok: false,
        problem: 'undeclared',
        message: `event "${raw.event}" is not declared (declared: ${declared})`,
      };
    }
    const result = decode(raw.data, raw);
    if (result.ok) return { ok: true, value: result.value };
    return { ok: false, problem: 'invalid', message: result.error.message };
  };
}
