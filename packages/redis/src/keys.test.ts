import { isSsekitError } from '@ssekit/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkClusterPrefix, keySlot, topicHash, topicKeys } from './keys.js';
import { createRedisReplayStore } from './redis-store.js';

describe('cluster key layout', () => {
  it('computes Redis Cluster slots (CRC16/XMODEM mod 16384, hash tags honoured)', () => {
    expect(keySlot('123456789')).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{}x')).not.toBe(keySlot('x'));
  });

  it('puts every key and the channel of a topic in one slot, whatever the topic holds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.constantFrom('app', 'a:b', 'x-y'),
        (topic, prefix) => {
          const keys = topicKeys(prefix, `${topic}{}{x}}`, true);
          expect(new Set(Object.values(keys).map(keySlot)).size).toBe(1);
          expect(keys.stream).toBe(`${prefix}:{${topicHash(`${topic}{}{x}}`)}}:s:${topic}{}{x}}`);
        },
      ),
    );
  });

  it('keeps the standalone layout: one epoch key, no hash tag', () => {
    expect(topicKeys('app', 'room/{a}', false)).toEqual({
      stream: 'app:s:room/{a}',
      trimmed: 'app:t:room/{a}',
      epoch: 'app:epoch',
      channel: 'app:c:room/{a}',
    });
  });

  it('refuses what would break the slot rule, before connecting', async () => {
    expect(() => checkClusterPrefix('a{b}')).toThrow(/must not contain/);
    for (const options of [
      { cluster: ['127.0.0.1:1'], prefix: 'a{b' },
      { cluster: [] },
      { cluster: ['127.0.0.1:1'], waitForReplicas: -1 },
    ]) {
      const error = await createRedisReplayStore(options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSsekitError(error) && error.code, JSON.stringify(options)).toBe('INVALID_ARGUMENT');
    }
  });
});
