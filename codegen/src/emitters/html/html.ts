import { createHash } from 'node:crypto';
import type { IrDocument, IrEvent, IrRequestPart, IrRoute, JsonSchema } from '../../ir/types.js';
import { resolveLocalRef } from '../openapi/json-schema.js';
import { exampleData, sseFrame } from '../openapi/sse-frame.js';
import type { EmittedFile, Emitter } from '../types.js';
import { SCRIPT, STYLE } from './assets.js';
import { clientSetup, clientSnippets } from './client-snippet.js';
import { anchorId, escapeHtml, escapeProse } from './escape.js';
import { schemaTable } from './schema-table.js';

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function resolverFor(schema: JsonSchema): (ref: string) => JsonSchema | undefined {
  return (ref) => resolveLocalRef(schema, ref);
}

function snippet(code: string, label: string): string {
  return `<div class="snippet"><button type="button" class="copy" aria-label="Copy ${escapeHtml(label)}">Copy</button><pre><code>${escapeHtml(code)}</code></pre></div>`;
}

function part(title: string, value: IrRequestPart | undefined, rootLabel: string): string {
  if (value === undefined) return '';
  return `<h4>${escapeHtml(title)}</h4>\n${schemaTable(value.schema, resolverFor(value.schema), rootLabel)}`;
}

function roleBadge(event: IrEvent): string {
  if (event.role === 'error')
    return '<span class="badge error" title="Sent when the handler fails after the stream started">error event</span>';
  if (event.role === 'reset')
    return '<span class="badge reset" title="Sent when Last-Event-ID cannot be resumed">reset event</span>';
  return '';
}

function roleText(event: IrEvent): string {
  if (event.role === 'error') return 'Sent once when the handler fails after the stream started; then the stream ends.';
  if (event.role === 'reset')
    return 'Sent when the Last-Event-ID of a reconnect cannot be resumed (too old, another epoch, or malformed): start over.';
  return '';
}

function eventBlock(route: IrRoute, event: IrEvent): string {
  const id = anchorId('event', route.key, event.name);
  const description = typeof event.schema.description === 'string' ? event.schema.description : undefined;
  const examples = event.examples
    .map((value, index) => {
      const text = exampleData(route, event, value);
      const decoded = event.encoding === 'text' && typeof value === 'string' ? value : JSON.stringify(value, null, 2);
      const label = event.examples.length > 1 ? ` ${index + 1}` : '';
      const wire =
        text === undefined
          ? ''
          : `<details><summary>On the wire${label}</summary><pre><code>${escapeHtml(sseFrame(event.name, text))}</code></pre></details>`;
      return `<pre class="example"><code>${escapeHtml(decoded ?? 'undefined')}</code></pre>${wire}`;
    })
    .join('\n');
  const meta = [
    `<span class="badge light" title="Media type of the data">${escapeHtml(event.contentType)}</span>`,
    event.needsZod
      ? '<span class="badge light" title="Fully checked only with zod (refinements, transforms...)">zod checks</span>'
      : '',
  ].join(' ');
  return `<article class="event" id="${id}" data-event="${escapeHtml(event.name)}">
<h4 class="event-name"><code>${escapeHtml(event.name)}</code> ${roleBadge(event)} ${meta}</h4>
${description ? `<p class="description">${escapeProse(description)}</p>` : ''}${roleText(event) ? `<p class="role">${escapeHtml(roleText(event))}</p>` : ''}
${schemaTable(event.schema, resolverFor(event.schema))}
<details><summary>TypeScript type</summary><pre><code>${escapeHtml(event.tsType)}</code></pre></details>
${examples === '' ? '' : `<h4>Example${event.examples.length > 1 ? 's' : ''}</h4>\n${examples}`}
</article>`;
}

function responses(route: IrRoute, allow: readonly string[]): string {
  const validated = route.paramNames.length > 0 || route.query || route.headers || route.body;
  const items = [
    `<li><code>200</code> <code>text/event-stream</code>: the events below; heartbeat comments carry no event.${route.replay ? ' Ids are resumable: reconnect with <code>Last-Event-ID</code>.' : ''}</li>`,
    validated
      ? '<li><code>400</code> <code>application/problem+json</code>: <code>{ type, title, status, detail, errors: [{ in, path, message }] }</code> for invalid params, query, headers or body.</li>'
      : '',
    route.body
      ? '<li><code>413</code> / <code>415</code> <code>application/problem+json</code>: the body is too large / not <code>application/json</code>.</li>'
      : '',
    '<li><code>204</code>: nothing to stream; the client stops for good.</li>',
    `<li><code>405</code> <code>application/problem+json</code> with <code>Allow</code>: the path only serves ${allow.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}.</li>`,
  ];
  return `<ul class="responses">${items.join('')}</ul>`;
}

function routeSection(route: IrRoute, allow: readonly string[]): string {
  const id = anchorId('route', route.key);
  const searchText = [route.key, route.path, route.method, route.summary ?? '', ...route.tags].join(' ');
  const badges = [
    route.deprecated ? '<span class="badge deprecated">deprecated</span>' : '',
    route.replay ? '<span class="badge light" title="Resumable with Last-Event-ID">replay</span>' : '',
    ...route.tags.map((tag) => `<span class="badge light">#${escapeHtml(tag)}</span>`),
  ]
    .filter((s) => s !== '')
    .join(' ');
  const snippets = clientSnippets(route);
  const request = [
    part('Path parameters', route.paramNames.length > 0 ? route.params : undefined, '(params)'),
    part('Query', route.query, '(query)'),
    part('Headers', route.headers, '(headers)'),
    part('Body (application/json)', route.body, '(body)'),
  ].join('\n');
  return `<section class="route" id="${id}" data-route="${escapeHtml(route.key)}" data-search="${escapeHtml(searchText)}">
<h2><span class="badge ${escapeHtml(route.method)}">${escapeHtml(route.method)}</span> <span class="path">${escapeHtml(route.path)}</span> <span class="key">client.${escapeHtml(route.key)}</span> ${badges}</h2>
${route.summary ? `<p class="summary">${escapeProse(route.summary)}</p>` : ''}
${route.description ? `<p class="description">${escapeProse(route.description)}</p>` : ''}
<h3>Request</h3>
${request.trim() === '' ? '<p class="note">No parameters.</p>' : request}
<h3>Responses</h3>
${responses(route, allow)}
<h3>Client</h3>
${snippet(snippets.subscribe, `subscribe snippet of ${route.key}`)}
${snippet(snippets.stream, `stream snippet of ${route.key}`)}
<h3>Events</h3>
${route.events.map((event) => eventBlock(route, event)).join('\n')}
</section>`;
}

/** Every method served at a route's path (the server's 405 `Allow`). */
function allowedMethods(ir: IrDocument, route: IrRoute): string[] {
  return [...new Set(ir.routes.filter((r) => r.templatePath === route.templatePath).map((r) => r.method))];
}

function sidebar(ir: IrDocument): string {
  const items = ir.routes
    .map((route) => {
      const events = route.events
        .map(
          (event) =>
            `<li class="nav-event" data-nav-event="${escapeHtml(event.name)}"><a href="#${anchorId('event', route.key, event.name)}">${escapeHtml(event.name)}</a></li>`,
        )
        .join('');
      return `<li class="nav-route" data-nav-route="${escapeHtml(route.key)}"><a href="#${anchorId('route', route.key)}"><span class="badge ${escapeHtml(route.method)}">${escapeHtml(route.method)}</span> <span>${escapeHtml(route.key)}</span> <span class="path">${escapeHtml(route.path)}</span></a><ul>${events}</ul></li>`;
    })
    .join('\n');
  return `<nav class="sidebar" aria-label="Routes and events">
<h1>${escapeHtml(ir.info.title)}</h1>
<div class="version">v${escapeHtml(ir.info.version)}</div>
<input id="search" type="search" placeholder="Filter routes and events ( / )" aria-label="Filter routes and events" autocomplete="off">
<ul>
${items}
</ul>
</nav>`;
}

/**
 * The whole docs page: sidebar, one section per route, one block per event, inline CSS and JS only. A CSP with
 * hashes of exactly that CSS and JS forbids every fetch, so the page works offline and a hostile string that
 * slipped through escaping still could not run.
 *
 * @example
 * ```ts
 * writeFileSync('docs/index.html', renderDocsHtml(ir));
 * ```
 */
export function renderDocsHtml(ir: IrDocument): string {
  const csp = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const servers =
    ir.servers.length > 0
      ? `<ul class="servers">${ir.servers
          .map(
            (s) =>
              `<li>${escapeHtml(s.name)}: <code>${escapeHtml(s.url)}</code>${s.description ? ` — ${escapeHtml(s.description)}` : ''}</li>`,
          )
          .join('')}</ul>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(ir.info.title)} — SSE API</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<div class="layout">
${sidebar(ir)}
<main>
<header class="doc">
<h1>${escapeHtml(ir.info.title)} <span class="key">v${escapeHtml(ir.info.version)}</span></h1>
${ir.info.description ? `<p class="description">${escapeProse(ir.info.description)}</p>` : ''}
${servers}
<h3>Client</h3>
<p>Every snippet below uses the typed client that <code>ssekit generate</code> writes next to these docs:</p>
${snippet(clientSetup(ir.servers[0]?.url ?? 'https://api.example.com'), 'client setup')}
</header>
${ir.routes.map((route) => routeSection(route, allowedMethods(ir, route))).join('\n')}
<p id="no-match" hidden>No route or event matches the filter.</p>
</main>
</div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * `html` emitter: `docs/index.html`, a self-contained page (no network) documenting every route and event.
 *
 * @example
 * ```ts
 * const [page] = htmlEmitter.emit(ir, options); // { path: 'docs/index.html', contents: '<!doctype html>...' }
 * ```
 */
export const htmlEmitter: Emitter = {
  name: 'html',
  emit(ir: IrDocument): EmittedFile[] {
    return [{ path: 'docs/index.html', contents: renderDocsHtml(ir) }];
  },
};
