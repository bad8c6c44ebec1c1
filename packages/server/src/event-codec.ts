import {
  type AnyContractRoute,
  type ContractSchema,
  isZodSchema,
  type SerializeInfo,
  type Serializer,
} from '@ssekit/contract';
import { eventLine } from './encode.js';
import { ContractValidationError, SerializationError, summarizeIssues } from './errors.js';
import { compileJsonWriter, type JsonWriter } from './fast-json.js';
import { createSendMemo, MISMATCH, type SendMemo } from './send-memo.js';
import { type Validated, validateSchema } from './validate.js';

/** One event of a route, compiled once: schema, serializer info, its `event:` line and a specialised JSON writer. */
export interface CompiledEvent {
  readonly schema: ContractSchema;
  readonly info: SerializeInfo;
  readonly line: string;
  /** Set when the route uses the default JSON serializer and the schema allows a specialised writer. */
  readonly writeJson: JsonWriter | undefined;
  /** Set with `writeJson` when the schema is plain data: the last value sent and its text, reused while equal. */
  readonly memo: SendMemo<SerializedEvent> | undefined;
}

/** An event's validated, serialized data: the text of its `data:` field. */
export interface SerializedEvent {
  readonly compiled: CompiledEvent;
  readonly text: string;
  /**
   * The frame with no `id:`, `retry:` or comments, once a session encoded it. Kept with the text, so a value sent to
   * many sessions is encoded once too (an entry of the send memo outlives the send that made it).
   */
  plainFrame?: string;
}

/** A route's events by name, with the serializer they go through. */
export interface CompiledEvents {
  readonly route: string;
  readonly byName: ReadonlyMap<string, CompiledEvent>;
  readonly serialize: Serializer;
}

/**
 * Compiles a contract route's events once, for the session's typed `send` and the broadcast hub alike.
 * `serialize` is the one the route actually uses; `undefined` means the default JSON one.
 */
export function compileRouteEvents(
  key: string,
  route: AnyContractRoute,
  serialize: Serializer | undefined,
  fallback: Serializer,
): CompiledEvents {
  const internals = route['~ssekit'];
  const byName = new Map<string, CompiledEvent>();
  for (const name of internals.eventNames) {
    const schema = route.events[name] as ContractSchema;
    const info: SerializeInfo = {
      route: key,
      path: route.path,
      event: name,
      schema,
      encoding: internals.encodings[name] ?? 'json',
    };
    // Default JSON serializer: a writer specialised per schema where one applies (same bytes, about 2× faster).
    const writeJson =
      serialize === undefined && info.encoding === 'json' && isZodSchema(schema)
        ? compileJsonWriter(schema)
        : undefined;
    // The memo needs the default serializer too: a custom one may depend on more than the value (a clock, a counter).
    const memo = writeJson && isZodSchema(schema) ? createSendMemo<SerializedEvent>(schema) : undefined;
    byName.set(name, { schema, info, line: eventLine(name), writeJson, memo });
  }
  return { route: key, byName, serialize: serialize ?? fallback };
}

/** Runs a serializer, turning a throw or a non-string into a {@link SerializationError}. */
export function runSerializer(serialize: Serializer, value: unknown, info: SerializeInfo): string {
  let text: unknown;
  try {
    text = serialize(value, info);
  } catch (error) {
    throw new SerializationError(info.route, info.event, 'the serializer threw', error);
  }
  if (typeof text !== 'string') {
    throw new SerializationError(info.route, info.event, `the serializer returned ${typeof text}, not a string`);
  }
  return text;
}

/**
 * Validates `value` against the event's schema (transforms apply) and serializes the result: the text of its `data:`
 * field. Throws {@link ContractValidationError} for an undeclared event or an invalid value, {@link SerializationError}
 * when the serializer fails — nothing is written in either case. A value equal (field by field, see `send-memo.ts`) to
 * the last one sent of this event gets that send's result, unchecked: same schema, same value, same outcome.
 */
export function serializeEventData(
  events: CompiledEvents,
  name: string,
  value: unknown,
): SerializedEvent | Promise<SerializedEvent> {
  const compiled = events.byName.get(name);
  if (!compiled) {
    const declared = [...events.byName.keys()].join(', ');
    throw new ContractValidationError(events.route, name, [
      { path: '', message: `"${name}" is not an event of this route (declared: ${declared})` },
    ]);
  }
  const memo = compiled.memo;
  if (memo !== undefined) {
    const kept = memo.lookup(value);
    if (kept !== undefined) return kept;
    const copy = memo.prepare(value);
    if (copy !== MISMATCH) {
      // Validate and serialize the private copy: what is kept is exactly what was checked.
      const result = finishSerialize(events, compiled, name, validateSchema(compiled.schema, copy) as Validated);
      memo.keep(copy, result, result.text.length);
      return result;
    }
  }
  const parsed = validateSchema(compiled.schema, value);
  // An asynchronous Standard Schema validator: the same steps once it settles.
  return parsed instanceof Promise
    ? parsed.then((settled) => finishSerialize(events, compiled, name, settled))
    : finishSerialize(events, compiled, name, parsed);
}

function finishSerialize(
  events: CompiledEvents,
  compiled: CompiledEvent,
  name: string,
  parsed: Validated,
): SerializedEvent {
  if (!parsed.success) {
    throw new ContractValidationError(events.route, name, summarizeIssues(parsed.issues), parsed.cause);
  }
  const text = compiled.writeJson
    ? compiled.writeJson(parsed.data)
    : runSerializer(events.serialize, parsed.data, compiled.info);
  return { compiled, text, plainFrame: undefined };
}
