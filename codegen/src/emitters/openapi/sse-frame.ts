import type { IrEvent, IrRoute } from '../../ir/types.js';

/**
 * The `data:` text of an example as the default serializer writes it (text verbatim, else JSON), or `undefined`
 * when the route has its own serializer, whose output the docs cannot know.
 */
export function exampleData(route: IrRoute, event: IrEvent, value: unknown): string | undefined {
  if (route.customSerialization) return undefined;
  if (event.encoding === 'text' && typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** One event as it travels: `event:` then one `data:` line per line of the data, then a blank line. */
export function sseFrame(event: string, data: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
  return `event: ${event}\n${lines.join('\n')}\n\n`;
}
