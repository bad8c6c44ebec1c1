import { HANDLER_OPTION_KEYS } from '@ssekit/client';
import type { IrRequestPart, IrRoute, JsonSchema } from '../../ir/types.js';
import { resolveLocalRef } from '../openapi/json-schema.js';
import { sampleValue } from './sample.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A single-quoted JS string literal (the project's style), escaped. */
export function jsString(text: string): string {
  const body = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}

// The generated client's handler options: an event with one of these names is handled through the `on` map only.
const OPTION_KEYS: ReadonlySet<string> = new Set(HANDLER_OPTION_KEYS);

function key(name: string): string {
  if (name === '__proto__') return `[${jsString(name)}]`;
  return IDENTIFIER.test(name) ? name : jsString(name);
}

/** A JS literal of JSON data, object keys unquoted where they can be; broken over lines past `width` columns. */
export function jsLiteral(value: unknown, indent = '', width = 72): string {
  const flat = flatLiteral(value);
  if (flat.length + indent.length <= width || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((v) => `${inner}${jsLiteral(v, inner, width)},`).join('\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${key(k)}: ${jsLiteral(v, inner, width)},`);
  return `{\n${entries.join('\n')}\n${indent}}`;
}

function flatLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flatLiteral).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${key(k)}: ${flatLiteral(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (typeof value === 'string') return jsString(value);
  return JSON.stringify(value) ?? 'undefined';
}

function partSample(part: IrRequestPart | undefined): unknown {
  if (part === undefined) return undefined;
  const resolve = (ref: string): JsonSchema | undefined => resolveLocalRef(part.schema, ref);
  return sampleValue(part.schema, resolve, 'value');
}

/** The request argument of `client.<route>.subscribe/stream` with sample values for what is required. */
export function requestLiteral(route: IrRoute): string {
  const parts: [string, unknown][] = [];
  if (route.paramNames.length > 0) parts.push(['params', partSample(route.params)]);
  for (const [name, part] of [
    ['query', route.query],
    ['headers', route.headers],
    ['body', route.body],
  ] as const) {
    const value = partSample(part);
    if (value !== undefined && !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)) {
      parts.push([name, value]);
    }
  }
  return jsLiteral(Object.fromEntries(parts), '', 48);
}

/** True when the generated client's `subscribe`/`stream` of this route take a request argument. */
export function hasRequest(route: IrRoute): boolean {
  return (
    route.paramNames.length > 0 || route.query !== undefined || route.headers !== undefined || route.body !== undefined
  );
}

/** How the page's snippets get a `client`: the `createClient` of the generated `client.ts`. */
export function clientSetup(baseUrl: string): string {
  return `import { createClient } from './client.js'; // the generated client.ts\n\nconst client = createClient({ baseUrl: ${jsString(baseUrl)} });`;
}

/**
 * Copy-paste snippets of the generated client for one route: callbacks with `subscribe`, then async iteration with
 * `stream`, in the shapes the client emitter writes: `subscribe([request, ]handlers[, options])` and
 * `stream([request, ]options)`, the request argument only for routes with params, query, headers or a body.
 */
export function clientSnippets(route: IrRoute, clientName = 'client'): { subscribe: string; stream: string } {
  const request = hasRequest(route) ? `${requestLiteral(route)}, ` : '';
  const access = `${clientName}.${IDENTIFIER.test(route.key) ? route.key : `[${jsString(route.key)}]`}`;
  // Event handlers at the top level, or in the `on` map when an event is named like an option (`onError`, `on`).
  const nested = route.events.some((event) => OPTION_KEYS.has(event.name));
  const pad = nested ? '    ' : '  ';
  const eventHandlers = route.events
    .map((event) => `${pad}${key(event.name)}(data) {\n${pad}  console.log(${jsString(event.name)}, data);\n${pad}},`)
    .join('\n');
  const handlers = nested ? `  on: {\n${eventHandlers}\n  },` : eventHandlers;
  const subscribe = `const subscription = ${access}.subscribe(${request}{\n${handlers}\n  onError(error) {\n    console.error(error.code, error.message);\n  },\n});\n// later: subscription.close();`;
  const first = route.events[0]?.name ?? 'message';
  const stream = `const controller = new AbortController();\nfor await (const ev of ${access}.stream(${request}{ signal: controller.signal })) {\n  if (ev.event === ${jsString(first)}) console.log(ev.data, ev.id);\n}`;
  return { subscribe, stream };
}
