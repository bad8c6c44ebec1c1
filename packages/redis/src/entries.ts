import { formatEventId, parseStreamPosition, type StoredEvent } from '@ssekit/server/broadcast';

/** `<epoch>\n<ms-seq>\n<event>\n<data…>`, as APPEND_LUA publishes it. */
export function decodeMessage(topic: string, message: string): StoredEvent | undefined {
  const a = message.indexOf('\n');
  const b = message.indexOf('\n', a + 1);
  const c = message.indexOf('\n', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const epoch = message.slice(0, a);
  const id = message.slice(a + 1, b);
  const position = parseStreamPosition(id);
  if (!position) return undefined;
  return {
    topic,
    epoch,
    position,
    id: formatEventId(epoch, position),
    event: message.slice(b + 1, c),
    data: message.slice(c + 1),
  };
}

/** A stream entry (`XRANGE`: its id and `e`/`d` fields) as a stored event; `undefined` when malformed. */
export function decodeEntry(topic: string, epoch: string, id: string, fields: string[]): StoredEvent | undefined {
  const position = parseStreamPosition(id);
  if (!position) return undefined;
  let event: string | undefined;
  let data: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'e') event = fields[i + 1];
    else if (fields[i] === 'd') data = fields[i + 1];
  }
  if (event === undefined || data === undefined) return undefined;
  return { topic, epoch, position, id: formatEventId(epoch, position), event, data };
}
