import { useEventStream } from '@ssekit/react';
import { useState } from 'react';
import { createClient, type MetricsIncidentData, type MetricsSampleData } from '../generated/client.ts';

const client = createClient({ baseUrl: location.origin, reconnect: { initialDelayMs: 500, maxDelayMs: 4000 } });

const SERVICES = ['api', 'auth', 'billing', 'search'];
const FEED_LENGTH = 12;

interface FeedItem {
  id: string;
  kind: 'sample' | 'incident';
  text: string;
  level?: MetricsIncidentData['level'];
}

const time = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });

function ServiceCard({ name, sample }: { name: string; sample: MetricsSampleData | undefined }) {
  const cpu = sample?.cpu ?? 0;
  const level = cpu >= 95 ? 'critical' : cpu >= 85 ? 'warning' : 'ok';
  return (
    <article className="card" data-service={name} data-level={level}>
      <h2>{name}</h2>
      {sample ? (
        <>
          <div className="meter" aria-hidden="true">
            <span style={{ width: `${cpu}%` }} />
          </div>
          <dl>
            <dt>CPU</dt>
            <dd>{cpu.toFixed(1)} %</dd>
            <dt>p50 latency</dt>
            <dd>{sample.latencyMs} ms</dd>
            <dt>requests</dt>
            <dd>{sample.rps} /s</dd>
          </dl>
          <p className="when">updated {time(sample.at)}</p>
        </>
      ) : (
        <p className="when">waiting for data…</p>
      )}
    </article>
  );
}

/**
 * The dashboard page: one `useEventStream` on the generated client's `metrics` route, shared by every open tab.
 *
 * @example
 * ```tsx
 * createRoot(root).render(<App />);
 * ```
 */
export function App() {
  const [services, setServices] = useState<Record<string, MetricsSampleData>>({});
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const [restarts, setRestarts] = useState(0);
  const { status, sharing, lastEventId, error } = useEventStream(client.metrics, undefined, {
    share: 'tabs',
    onEvent(event) {
      const id = event.id ?? '';
      switch (event.event) {
        case 'sample': {
          const sample = event.data;
          setServices((all) => ({ ...all, [sample.service]: sample }));
          const text = `${sample.service}: CPU ${sample.cpu.toFixed(1)} %, ${sample.latencyMs} ms, ${sample.rps}/s`;
          setFeed((items) => [{ id, kind: 'sample' as const, text }, ...items].slice(0, FEED_LENGTH));
          return;
        }
        case 'incident': {
          const { service, level, message } = event.data;
          const item = { id, kind: 'incident' as const, level, text: `${service}: ${message}` };
          setFeed((items) => [item, ...items].slice(0, FEED_LENGTH));
          return;
        }
        case 'reset':
          // The server cannot resume from our last id (it restarted): start over from its new stream.
          setRestarts((n) => n + 1);
          setServices({});
          setFeed([]);
          return;
      }
    },
  });

  return (
    <main>
      <header>
        <h1>Service metrics</h1>
        <p className="connection">
          <span id="status" className={`pill ${status}`} data-status={status}>
            {status}
          </span>
          <span id="sharing" data-sharing={sharing}>
            {sharing === 'leader'
              ? 'this tab holds the stream for every tab'
              : sharing === 'follower'
                ? 'listening to the stream another tab holds'
                : 'own stream'}
          </span>
          <span className="id">last event {lastEventId ?? '–'}</span>
        </p>
      </header>
      {restarts > 0 && (
        <p id="restart-notice" className="notice">
          The server restarted: the dashboard started over from its new stream.
        </p>
      )}
      {error && status !== 'open' && <p className="notice error">{error.message}</p>}
      <section className="grid">
        {SERVICES.map((name) => (
          <ServiceCard key={name} name={name} sample={services[name]} />
        ))}
      </section>
      <section>
        <h2>Live feed</h2>
        <ol id="feed">
          {feed.map((item) => (
            <li key={item.id} className={item.kind} data-level={item.level}>
              <code>{item.id.split('-').slice(1).join('-')}</code>
              {item.level && <strong className="level">{item.level}</strong>} {item.text}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
