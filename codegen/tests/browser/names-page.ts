// Runs in Chromium, bundled by esbuild with the generated clients of the event-names fixture: subscribes to
// /responses/r1 through the `on` map and records what arrives.
import { createClient as createStandaloneClient } from '../__generated__/names-standalone/client.ts';
import { createClient as createZodClient } from '../__generated__/names-zod/client.ts';

export interface NamesPageLog {
  events: { event: string; data: unknown }[];
  errors: { code: string; message: string }[];
  done: boolean;
}

const log: NamesPageLog = { events: [], errors: [], done: false };
Object.assign(globalThis, { ssekitNamesLog: log });

const mode = new URLSearchParams(location.search).get('mode');
const createClient = mode === 'zod' ? createZodClient : createStandaloneClient;
const base = new URLSearchParams(location.search).get('base') ?? '';
const client = createClient({ baseUrl: `${location.origin}${base}`, reconnect: false });
const record = (data: unknown, event: { event: string }) => log.events.push({ event: event.event, data });
const sub = client.responses.subscribe(
  { params: { responseId: 'r1' } },
  {
    on: {
      'response.output_text.delta': (data, event) => record({ delta: data.delta, index: data.index }, event),
      'user-created': record,
      'a:b': record,
      'thread.run.step.completed': record,
      constructor: record,
      onError: record,
    },
    onError(error) {
      log.errors.push({ code: error.code, message: error.message });
    },
  },
);
void sub.done.then(() => {
  log.done = true;
});
