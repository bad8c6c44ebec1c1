import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../src/cli/run-cli.ts';
import { resolveConfig } from '../src/config.ts';
import { type TempProject, tempProject } from './helpers/temp-project.ts';

const DOCUMENT = stringify({
  openapi: '3.1.0',
  info: { title: 'Ticker', version: '1.0.0' },
  paths: {
    '/ticks': {
      get: {
        operationId: 'ticks',
        responses: {
          '200': {
            description: 'ticks',
            content: {
              'text/event-stream': {
                schema: {
                  type: 'object',
                  properties: {
                    event: { const: 'tick' },
                    data: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/health': { get: { responses: { '200': { description: 'ok' } } } },
    '/odd': {
      get: {
        operationId: 'odd',
        responses: {
          '200': {
            description: 'x',
            content: {
              'text/event-stream': {
                schema: { properties: { event: { const: 'x' }, data: { type: 'array', uniqueItems: true } } },
              },
            },
          },
        },
      },
    },
  },
});

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { cwd: project!.dir, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ssekit generate --from', () => {
  it('writes a standalone client from a document; --verbose lists the skipped operations; warnings name pointers', async () => {
    project = await tempProject('ssekit-from-cli-');
    await project.write('api.yaml', DOCUMENT);
    const result = await cli(['generate', '--from', 'api.yaml', '--out', 'gen', '--outputs', 'client', '--verbose']);
    expect(result.code).toBe(0);
    expect(result.out).toBe(`created  ${join('gen', 'client.ts')}`);
    expect(result.err).toContain('skipped: GET /health: no text/event-stream response');
    expect(result.err).toContain(
      'warning: api.yaml: #/paths/~1odd/get/responses/200/content/text~1event-stream/schema/properties/data/uniqueItems: `uniqueItems` is not checked by the generated validator',
    );
    const client = await readFile(join(project.dir, 'gen/client.ts'), 'utf8');
    expect(client).toContain('validation: standalone');
    expect(client).toMatch(/export type TicksTickData = \{\s+n: number;\s+\};/);
    expect(client).not.toMatch(/from 'zod'/);
    // Without --verbose, skipped operations are not listed.
    const quiet = await cli(['generate', '--from', 'api.yaml', '--out', 'gen', '--outputs', 'client']);
    expect(quiet.err).not.toContain('skipped:');
  });

  it('reads `from` in ssekit.config.ts; zod validation is refused with a clear message', async () => {
    project = await tempProject('ssekit-from-config-');
    await project.write('api.yaml', DOCUMENT);
    await project.write(
      'ssekit.config.ts',
      "export default { from: './api.yaml', out: './gen', outputs: ['client', 'openapi'] };\n",
    );
    const result = await cli(['generate']);
    expect(result.code).toBe(0);
    const openapi = JSON.parse(await readFile(join(project.dir, 'gen/openapi.json'), 'utf8'));
    expect(Object.keys(openapi.paths)).toEqual(['/ticks', '/odd']);
    expect(await readFile(join(project.dir, 'gen/client.ts'), 'utf8')).not.toContain('defaultBaseUrl');
    // The config's servers win over the document's (which has none here): the client defaults to them.
    await project.write(
      'ssekit.config.ts',
      "export default { from: './api.yaml', out: './gen', outputs: ['client'], servers: [{ url: 'https://api.example.com/v2' }] };\n",
    );
    expect((await cli(['generate'])).code).toBe(0);
    expect(await readFile(join(project.dir, 'gen/client.ts'), 'utf8')).toContain(
      "export const defaultBaseUrl = 'https://api.example.com/v2';",
    );
    const zod = await cli(['generate', '--validation', 'zod']);
    expect(zod.code).toBe(1);
    expect(zod.err).toContain(
      '`from` generates standalone validators: use validation "standalone" (or leave it unset)',
    );
  });

  it('a missing document is a one-line error', async () => {
    project = await tempProject('ssekit-from-missing-');
    const result = await cli(['generate', '--from', 'nope.yaml', '--out', 'gen']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^ssekit: nope\.yaml: cannot read the document: ENOENT/);
  });
});

describe('resolveConfig with from', () => {
  it('needs no contracts module and defaults to standalone validation', () => {
    const config = resolveConfig({ from: './api.yaml', out: './gen' }, '/repo');
    expect(config).toMatchObject({ from: '/repo/api.yaml', validation: 'standalone', out: '/repo/gen' });
  });

  it('still asks for contracts (or from) when neither is set', () => {
    expect(() => resolveConfig({ out: './gen' }, '/repo')).toThrow(/set `contracts` \(or `from`\)/);
  });
});
