import { InvalidArgumentError } from '@ssekit/contract';

/** Where a topic's data lives: its stream, trimmed-through marker, epoch key and notification channel. */
export interface TopicKeys {
  readonly stream: string;
  readonly trimmed: string;
  readonly epoch: string;
  readonly channel: string;
}

/**
 * Key names of a store. Standalone: `<prefix>:s:<topic>`, `<prefix>:t:<topic>`, one `<prefix>:epoch`, channel
 * `<prefix>:c:<topic>`. Cluster: every key of a topic carries the hash tag `{<hash of the topic>}` right after the
 * prefix, so a topic's keys (and its sharded channel) share one slot whatever characters the topic holds (braces
 * included: they are inside the hashed part only), and the epoch is per topic (`<prefix>:{h}:e:<topic>`), kept in that
 * slot with the topic's data: a shard that loses its data loses that epoch too, and its subscribers get a reset.
 */
export function topicKeys(prefix: string, topic: string, clustered: boolean): TopicKeys {
  if (!clustered) {
    return {
      stream: `${prefix}:s:${topic}`,
      trimmed: `${prefix}:t:${topic}`,
      epoch: `${prefix}:epoch`,
      channel: `${prefix}:c:${topic}`,
    };
  }
  const tag = `{${topicHash(topic)}}`;
  return {
    stream: `${prefix}:${tag}:s:${topic}`,
    trimmed: `${prefix}:${tag}:t:${topic}`,
    epoch: `${prefix}:${tag}:e:${topic}`,
    channel: `${prefix}:${tag}:c:${topic}`,
  };
}

/** Checks a cluster key prefix: braces in it would become the hash tag and put every topic in one slot. */
export function checkClusterPrefix(prefix: string): string {
  if (prefix.includes('{') || prefix.includes('}')) {
    throw new InvalidArgumentError(
      `createRedisReplayStore: with cluster, the prefix must not contain "{" or "}" (got ${JSON.stringify(prefix)})`,
    );
  }
  return prefix;
}

/** 32-bit FNV-1a over the topic's UTF-16 code units, as 8 hex digits: only `[0-9a-f]` inside the hash tag. */
export function topicHash(topic: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) {
    hash ^= topic.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** The Redis Cluster slot of a key or sharded channel (CRC16/XMODEM of its hash tag, or of it all, mod 16384). */
export function keySlot(key: string): number {
  const bytes = new TextEncoder().encode(key);
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number);
  return crc % 16384;
}
