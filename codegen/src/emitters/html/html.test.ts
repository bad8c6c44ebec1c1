import { describe, expect, it } from 'vitest';
import { seedIr } from '../../../tests/fixtures/seed-ir.js';
import type { IrDocument } from '../../ir/types.js';
import type { EmitOptions } from '../types.js';
import { clientSnippets, jsLiteral, requestLiteral } from './client-snippet.js';
import { escapeHtml } from './escape.js';
import { htmlEmitter, renderDocsHtml } from './html.js';
import { schemaRows } from './schema-table.js';

const options: EmitOptions = { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' };
const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>'"&`;

function hostileIr(): IrDocument {
  const ir = structuredClone(seedIr);
  ir.info.title = HOSTILE;
  ir.info.description = `${HOSTILE} \`code ${HOSTILE}\``;
  ir.servers[0]!.url = `http://localhost:8080/"><script>alert(2)</script>`;
  const route = ir.routes[1]!;
  route.summary = HOSTILE;
  route.description = HOSTILE;
  route.tags = [HOSTILE];
  route.path = `/json/a&b'(c)`;
  const event = route.events[0]!;
  event.examples = [{ firstName: `</script><script>alert(3)</script>`, id: 1, lastName: HOSTILE }];
  event.tsType = HOSTILE;
  event.contentType = HOSTILE;
  event.schema = {
    ...event.schema,
    description: HOSTILE,
    properties: { [HOSTILE]: { type: 'string', enum: [HOSTILE], description: HOSTILE, pattern: HOSTILE } },
  };
  return ir;
}

describe('html emitter', () => {
  it('writes one self-contained page: inline CSS and JS only, locked down by a CSP with their hashes', async () => {
    const files = await htmlEmitter.emit(seedIr, options);
    expect(files.map((f) => f.path)).toEqual(['docs/index.html']);
    const html = files[0]?.contents ?? '';
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;; script-src &#39;sha256-/,
    );
    expect(html).not.toMatch(/<(link|script|img|iframe)[^>]+(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('documents every route (method, path, params, query, headers, body) and every event (table, example, client)', () => {
    const html = renderDocsHtml(seedIr);
    for (const route of seedIr.routes) {
      expect(html).toContain(`data-route="${route.key}"`);
      expect(html).toContain(`<span class="path">${escapeHtml(route.path)}</span>`);
      expect(html).toContain(escapeHtml(`client.${route.key}.subscribe(`));
      expect(html).toContain(escapeHtml(`client.${route.key}.stream(`));
      for (const event of route.events) expect(html).toContain(`data-event="${event.name}"`);
    }
    expect(html).toContain('<h4>Path parameters</h4>');
    expect(html).toContain('<h4>Query</h4>');
    expect(html).toContain('<h4>Headers</h4>');
    expect(html).toContain('<h4>Body (application/json)</h4>');
    expect(html).toContain(escapeHtml('"firstName": "Jet"'));
    expect(html).toContain('<span class="badge error"');
    expect(html).toContain('<span class="badge reset"');
  });

  it('escapes every contract string: no markup from the contract survives', () => {
    const html = renderDocsHtml(hostileIr());
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('</script><script>');
    expect(html).not.toContain('"><script>');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('<code>code &lt;script&gt;');
  });

  it('flattens schemas into rows: nested objects, arrays of objects, enums, optional, nullable, recursion', () => {
    const message = seedIr.routes[3]!.events[0]!;
    const resolve = (ref: string) =>
      ref.startsWith('#/$defs/') ? (message.schema.$defs as Record<string, never>)[ref.slice(8)] : undefined;
    const rows = schemaRows(message.schema, resolve);
    const byField = Object.fromEntries(rows.map((r) => [r.field, r]));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.field}`)).toEqual([
      'id',
      'author',
      '  author.name',
      '  author.role',
      'text',
      'sentAt',
      'attachments',
      '  attachments[].url',
      '  attachments[].size',
      '  attachments[].kind',
      'replyTo',
      '  replyTo.name',
      '  replyTo.role',
    ]);
    expect(byField['author.role']?.enumValues).toEqual(['member', 'moderator', 'bot']);
    expect(byField.attachments).toMatchObject({ required: false, type: 'array of object' });
    expect(byField.replyTo).toMatchObject({ required: false, nullable: true });
    expect(byField.text?.constraints).toEqual(['max length 4000']);
    expect(byField.sentAt?.constraints).toContain('format date-time');
    const tree = seedIr.routes[5]!.events[0]!.schema;
    const treeRows = schemaRows(tree, (ref) => (ref === '#' ? tree : undefined));
    expect(treeRows.map((r) => r.field)).toEqual(['name', 'children', 'children[]']);
    expect(treeRows[2]?.note).toMatch(/recursive/);
    expect(schemaRows({ type: 'string' }, () => undefined).map((r) => [r.field, r.type])).toEqual([
      ['(data)', 'string'],
    ]);
  });

  it('writes client snippets in the generated client shape, with sample values that satisfy the schemas', () => {
    const greetings = seedIr.routes[2]!;
    // Optional fields (count has a default) are left out.
    expect(requestLiteral(greetings)).toBe("{ params: { name: 'name' } }");
    const room = seedIr.routes[3]!;
    expect(requestLiteral(room)).toContain("roomId: 'roomid'");
    expect(requestLiteral(room)).toContain("authorization: 'Bearer authorization'");
    const { subscribe, stream } = clientSnippets(greetings);
    expect(subscribe).toContain("client.greetings.subscribe({ params: { name: 'name' } }, {");
    expect(subscribe).toContain('  greeting(data) {');
    expect(subscribe).toContain('  error(data) {');
    expect(subscribe).toContain('  onError(error) {');
    expect(stream).toContain('for await (const ev of client.greetings.stream(');
    expect(stream).toContain('{ signal: controller.signal }');
    expect(jsLiteral({ 'x-api-key': "k'", a: [1] })).toBe("{ 'x-api-key': 'k\\'', a: [1] }");
    // Routes without params, query, headers or body take no request argument.
    const events = clientSnippets(seedIr.routes[0]!);
    expect(events.subscribe).toContain('client.events.subscribe({\n  message(data) {');
    expect(events.stream).toContain('client.events.stream({ signal: controller.signal })');
    expect(renderDocsHtml(seedIr)).toContain(escapeHtml(`createClient({ baseUrl: 'http://localhost:8080' })`));
  });

  it('is deterministic', () => {
    expect(renderDocsHtml(structuredClone(seedIr))).toBe(renderDocsHtml(seedIr));
  });
});
