import { describe, expect, it } from 'vitest';
import { MemorySink } from './memory-sink.js';

describe('SinkBase close listeners', () => {
  it('calls one listener (held without a list) once, when the sink closes', () => {
    const sink = new MemorySink();
    const calls: string[] = [];
    sink.onClose(() => calls.push('only'));
    expect(calls).toEqual([]);
    sink.destroy();
    sink.destroy();
    expect(calls).toEqual(['only']);
  });

  it('calls every listener once, in order, when several are added', () => {
    const sink = new MemorySink();
    const calls: string[] = [];
    sink.onClose(() => calls.push('first'));
    sink.onClose(() => calls.push('second'));
    sink.onClose(() => calls.push('third'));
    sink.end();
    sink.end();
    expect(calls).toEqual(['first', 'second', 'third']);
  });

  it('calls a listener added after the close at once', () => {
    const sink = new MemorySink();
    sink.end();
    const calls: string[] = [];
    sink.onClose(() => calls.push('late'));
    expect(calls).toEqual(['late']);
  });

  it('tells a watcher object (no closure) once, in order with function listeners, and at once when already closed', () => {
    const sink = new MemorySink();
    const calls: string[] = [];
    sink.watchClose({ sinkClosed: () => calls.push('watcher') });
    sink.onClose(() => calls.push('function'));
    sink.watchClose({ sinkClosed: () => calls.push('second watcher') });
    sink.destroy();
    sink.end();
    expect(calls).toEqual(['watcher', 'function', 'second watcher']);
    sink.watchClose({ sinkClosed: () => calls.push('late') });
    expect(calls).toEqual(['watcher', 'function', 'second watcher', 'late']);
  });
});
