import { describe, expect, it } from 'vitest';
import { defTypeName, eventTypeName, pascalCase } from './names.js';

describe('generated identifiers from route keys and event names', () => {
  it.each([
    ['json', 'Json'],
    ['json_feed', 'JsonFeed'],
    ['jsonFeed', 'JsonFeed'],
    ['response.output_text.delta', 'ResponseOutputTextDelta'],
    ['user-created', 'UserCreated'],
    ['a:b', 'AB'],
    ['thread.run.step.completed', 'ThreadRunStepCompleted'],
    ['onError', 'OnError'],
    ['constructor', 'Constructor'],
    ['__proto__', 'Proto'],
    ['9lives', '9lives'],
    [' spaced name ', 'SpacedName'],
    ['🎉', 'U1F389'],
    ['é', 'UE9'],
  ])('%j → %j', (name, expected) => {
    expect(pascalCase(name)).toBe(expected);
    expect(pascalCase(name)).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it('event type names and $defs names are identifiers for any event name', () => {
    expect(eventTypeName('responses', 'response.output_text.delta')).toBe('ResponsesResponseOutputTextDeltaData');
    expect(eventTypeName('feed', 'a:b')).toBe('FeedABData');
    expect(defTypeName('FeedABData', 'node-1')).toBe('FeedABDataNode1');
  });
});
