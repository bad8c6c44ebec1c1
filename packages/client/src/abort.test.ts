import { afterEach, describe, expect, it, vi } from 'vitest';
import { raceAbort, sleep } from './abort.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('raceAbort', () => {
  it('passes a settled value or error through', async () => {
    const c = new AbortController();
    await expect(raceAbort(Promise.resolve(1), c.signal)).resolves.toBe(1);
    await expect(raceAbort(Promise.reject(new Error('x')), c.signal)).rejects.toThrow('x');
  });

  it('rejects with the reason at abort and hands a late value to onLate', async () => {
    const c = new AbortController();
    let resolveLate!: (v: string) => void;
    const late: string[] = [];
    const raced = raceAbort(new Promise<string>((r) => (resolveLate = r)), c.signal, (v) => late.push(v));
    c.abort('stop');
    await expect(raced).rejects.toBe('stop');
    resolveLate('response');
    await Promise.resolve();
    await Promise.resolve();
    expect(late).toEqual(['response']);
  });

  it('rejects at once for an already aborted signal', async () => {
    await expect(raceAbort(Promise.resolve(1), AbortSignal.abort('gone'))).rejects.toBe('gone');
  });
});

describe('sleep', () => {
  it('waits the given time', async () => {
    vi.useFakeTimers();
    let done = false;
    const p = sleep(1000, new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it('ends early on abort and leaves no timer', async () => {
    vi.useFakeTimers();
    const c = new AbortController();
    const p = sleep(60_000, c.signal);
    expect(vi.getTimerCount()).toBe(1);
    c.abort();
    await p;
    expect(vi.getTimerCount()).toBe(0);
  });
});
