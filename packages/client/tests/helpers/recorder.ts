import type { SsekitError } from '@ssekit/contract/errors';
import type { CloseInfo, RawSseEvent, RetryInfo } from '../../src/index.ts';

/** Everything a connection reported, in order, for assertions. */
export interface Recorder {
  events: RawSseEvent[];
  comments: string[];
  errors: SsekitError[];
  retries: RetryInfo[];
  opens: number;
  closes: CloseInfo[];
  log: string[];
  handlers: {
    onEvent(e: RawSseEvent): void;
    onComment(c: string): void;
    onError(e: SsekitError): void;
    onRetry(i: RetryInfo): void;
    onOpen(): void;
    onClose(i: CloseInfo): void;
  };
}

export function createRecorder(): Recorder {
  const r: Recorder = {
    events: [],
    comments: [],
    errors: [],
    retries: [],
    opens: 0,
    closes: [],
    log: [],
    handlers: {
      onEvent: (e) => {
        r.events.push(e);
        r.log.push(`event:${e.event}:${e.data}`);
      },
      onComment: (c) => {
        r.comments.push(c);
        r.log.push(`comment:${c}`);
      },
      onError: (e) => {
        r.errors.push(e);
        r.log.push(`error:${e.code}`);
      },
      onRetry: (i) => {
        r.retries.push(i);
        r.log.push(`retry:${i.attempt}`);
      },
      onOpen: () => {
        r.opens += 1;
        r.log.push('open');
      },
      onClose: (i) => {
        r.closes.push(i);
        r.log.push(`close:${i.reason}`);
      },
    },
  };
  return r;
}
