import {
  type AnyContractRoute,
  ContractDefinitionError,
  type ContractSchema,
  defaultSerialize,
  isSsekitError,
  type Serializer,
} from '@ssekit/contract';
import { encodeFrame } from '../encode.js';
import { ContractValidationError, summarizeIssues } from '../errors.js';
import { type CompiledEvents, compileRouteEvents, serializeEventData } from '../event-codec.js';
import { toBytes } from '../frames.js';
import { type Validated, validateSchema } from '../validate.js';
import { formatEventId, type StreamPosition } from './event-id.js';
import { type ResetReason, StoreDataError, type StoredEvent } from './store.js';
import { checkTopic, defaultTopic, TopicError } from './topic.js';

const RESET_REASONS: readonly ResetReason[] = ['malformed', 'other-epoch', 'expired', 'unknown-position'];

/** The options of a hub that shape its route's params, topics and frames. */
export interface HubRouteOptions {
  readonly topic?: ((params: never) => string) | undefined;
  readonly serialize?: Serializer | undefined;
  readonly resetData?: ((info: { readonly reason: ResetReason }) => unknown) | undefined;
}

/**
 * What a hub knows about its contract route: how params are checked and become a topic, and how events become the
 * bytes every subscriber gets — validated, serialized and encoded exactly as the session's typed `send` does (one
 * codec for both), once per event.
 */
export class HubRoute {
  readonly key: string;
  /** Events carry resumable ids, and unusable `Last-Event-ID`s get the reset event. */
  readonly replay: boolean;
  readonly #route: AnyContractRoute;
  readonly #events: CompiledEvents;
  readonly #options: HubRouteOptions;
  readonly #report: (error: unknown) => void;

  constructor(route: AnyContractRoute, options: HubRouteOptions, report: (error: unknown) => void) {
    this.key = route['~ssekit'].key;
    this.replay = route.replay === true;
    this.#route = route;
    this.#options = options;
    this.#report = report;
    this.#events = compileRouteEvents(this.key, route, options.serialize ?? route.serialize, defaultSerialize);
    if (this.replay) this.#checkResetEvent();
  }

  /**
   * Parses params with the route's schema; throws {@link ContractValidationError} naming `(params)`. A Promise for an
   * asynchronous Standard Schema validator.
   */
  parseParams(params: unknown): Record<string, unknown> | Promise<Record<string, unknown>> {
    const settle = (parsed: Validated): Record<string, unknown> => {
      if (!parsed.success) {
        throw new ContractValidationError(this.key, '(params)', summarizeIssues(parsed.issues), parsed.cause);
      }
      return parsed.data as Record<string, unknown>;
    };
    const parsed = validateSchema(this.#route['~ssekit'].params, params);
    return parsed instanceof Promise ? parsed.then(settle) : settle(parsed);
  }

  /** The topic of parsed params: the default one, or the custom `topic` function's, prefixed with the route key. */
  topicOf(params: Record<string, unknown>): string {
    const custom = this.#options.topic;
    if (!custom) return defaultTopic(this.key, this.#route['~ssekit'].paramNames, params);
    let topic: unknown;
    try {
      topic = custom(params as never);
    } catch (error) {
      if (isSsekitError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new TopicError(this.key, `the topic function threw: ${reason}`);
    }
    return checkTopic(this.key, `${this.key}#${checkTopic(this.key, topic)}`);
  }

  /** Validates and serializes one event's data: the text the store keeps. */
  serialize(event: string, data: unknown): string | Promise<string> {
    const serialized = serializeEventData(this.#events, event, data);
    return serialized instanceof Promise ? serialized.then((s) => s.text) : serialized.text;
  }

  /** The frame of a stored event (with its id on replay routes); an undeclared event is reported and skipped. */
  frameOf(stored: StoredEvent): Uint8Array | undefined {
    const compiled = this.#events.byName.get(stored.event);
    if (!compiled) {
      this.#report(
        new StoreDataError(
          `route "${this.key}": the store delivered an undeclared event "${stored.event}" on "${stored.topic}"`,
        ),
      );
      return undefined;
    }
    const id = this.replay ? stored.id : undefined;
    return toBytes(encodeFrame(compiled.line, stored.data, id, undefined, undefined));
  }

  /** The route's reset event, with an id the client can resume from. */
  resetFrame(reason: ResetReason, epoch: string, position: StreamPosition): Uint8Array {
    const { name, resetData } = this.#reset();
    const serialized = serializeEventData(this.#events, name, resetData({ reason }));
    if (serialized instanceof Promise) {
      serialized.catch(() => {});
      throw new ContractDefinitionError(`its reset event "${name}" must validate synchronously`, this.key);
    }
    const { compiled, text } = serialized;
    return toBytes(encodeFrame(compiled.line, text, formatEventId(epoch, position), undefined, undefined));
  }

  #reset(): { name: string; resetData: NonNullable<HubRouteOptions['resetData']> } {
    return {
      name: this.#route.resetEvent as string,
      resetData: this.#options.resetData ?? ((info) => ({ reason: info.reason })),
    };
  }

  /** A replayable route must declare a reset event, whose schema takes the reset data. */
  #checkResetEvent(): void {
    const resetEvent = this.#route.resetEvent;
    if (resetEvent === undefined) {
      throw new ContractDefinitionError(
        'a replayable route needs a `resetEvent`: without it a client with an unusable Last-Event-ID would resume silently',
        this.key,
      );
    }
    if (this.#options.resetData) return;
    const schema = this.#events.byName.get(resetEvent)?.schema as ContractSchema;
    for (const reason of RESET_REASONS) {
      const parsed = validateSchema(schema, { reason });
      if (parsed instanceof Promise) {
        parsed.catch(() => {});
        throw new ContractDefinitionError(`its reset event "${resetEvent}" must validate synchronously`, this.key);
      }
      if (!parsed.success) {
        throw new ContractDefinitionError(
          `its reset event "${resetEvent}" does not accept { reason: '${reason}' }; pass \`resetData\` to createHub`,
          this.key,
        );
      }
    }
  }
}
