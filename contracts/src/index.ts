import { defineContract } from '@ssekit/contract';
import * as z from 'zod';

/** A customer, as in Ktor's SSE example. */
export const Customer = z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string() });
/** A product with its prices. */
export const Product = z.object({ id: z.number().int(), prices: z.array(z.number()) });
/** Payload of the error event routes may declare: never an internal message. */
export const StreamError = z.object({ code: z.string(), message: z.string() });

/**
 * The seed contract: the two routes of Ktor's SSE examples plus one with params and query.
 *
 * @example
 * ```ts
 * import { seedContract } from '@ssekit-examples/contracts';
 * implement(seedContract, { events: ..., json: ..., greetings: ... });
 * ```
 */
export const seedContract = defineContract({
  events: {
    path: '/events',
    summary: 'One hundred text events, then the end of the stream',
    events: { message: z.string() },
    examples: { message: ['event 0'] },
  },
  json: {
    path: '/json',
    summary: 'A customer and a product, serialized by the route',
    events: { customer: Customer, product: Product },
    examples: {
      customer: [{ id: 0, firstName: 'Jet', lastName: 'Brains' }],
      product: [{ id: 0, prices: [100, 200] }],
    },
  },
  greetings: {
    path: '/greetings/:name',
    summary: 'Greets a name a number of times',
    params: z.object({ name: z.string().min(1).max(64) }),
    query: z.object({ count: z.coerce.number().int().min(1).max(1000).default(3) }),
    events: { greeting: z.object({ text: z.string(), n: z.number().int() }), error: StreamError },
    errorEvent: 'error',
    examples: { greeting: [{ text: 'Hello, Ada!', n: 1 }] },
    requestExamples: [{ name: 'Ada, three times', params: { name: 'Ada' }, query: { count: 3 } }],
  },
});

export type SeedContract = typeof seedContract;
export {
  type ChatContract,
  ChatMessage,
  ChatMessageInput,
  chatContract,
  Presence,
  ReplayReset,
  RoomId,
  Roster,
  UserName,
} from './chat.js';
