import type { JsonSchema } from '../../ir/types.js';

/**
 * The RFC 9457 problem body the server answers before a stream starts (400 for invalid params, query, headers or
 * body; other 4xx from `beforeStream`). Mirrors `ProblemBody` of `@ssekit/server`.
 */
export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'An RFC 9457 problem: why the request was refused before any event was sent.',
  properties: {
    type: { type: 'string', description: 'A URI naming the problem type; `about:blank` when only the status matters.' },
    title: { type: 'string', description: 'The reason phrase of the status.' },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    detail: { type: 'string', description: 'What was wrong, for humans.' },
    errors: {
      type: 'array',
      description: 'One entry per invalid request field.',
      items: {
        type: 'object',
        properties: {
          in: {
            type: 'string',
            enum: ['params', 'query', 'headers', 'body'],
            description: 'Which part of the request.',
          },
          path: {
            type: 'string',
            description: 'Dotted path inside that part, e.g. `count` or `messages.0.role`; empty for the part itself.',
          },
          message: { type: 'string' },
        },
        required: ['path', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
};

/** An example 400 body, for the docs. */
export const problemExample = {
  type: 'about:blank',
  title: 'Bad Request',
  status: 400,
  detail: 'query.count: Too big: expected number to be <=1000',
  errors: [{ in: 'query', path: 'count', message: 'Too big: expected number to be <=1000' }],
};
