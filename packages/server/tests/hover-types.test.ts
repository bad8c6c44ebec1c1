import { join } from 'node:path';
import { Project, ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';

/**
 * What an editor shows, pinned: the TypeScript language service (ts-morph's TypeScript API) is asked for the quick info
 * at positions of a small program, and for its diagnostics. A route's docs (`summary`, `examples`) and its zod schema
 * types must never appear in a handler's hover or in `implement()`'s errors.
 */
const root = join(import.meta.dirname, '../../..');
const MARK = '/*@*/';

const program = `import { defineContract } from '@ssekit/contract';
import { implement, type SessionOf } from '@ssekit/server';
import { z } from 'zod';

export const contract = defineContract({
  json: {
    path: '/json',
    summary: 'A customer and a product',
    events: {
      customer: z.object({ id: z.number(), firstName: z.string() }),
      product: z.object({ id: z.number(), prices: z.array(z.number()) }),
    },
    examples: { customer: [{ id: 1, firstName: 'Jet' }] },
  },
  room: {
    path: '/rooms/:roomId',
    query: z.object({ since: z.coerce.number().optional() }),
    events: { message: z.string(), error: z.object({ code: z.string(), message: z.string() }) },
    errorEvent: 'error',
  },
});

implement(contract, {
  json: async (${MARK}session) => {
    await session.${MARK}send('customer', { id: 1, firstName: 'a' });
    await session.send({ event: 'customer', ${MARK}data: { id: 1, firstName: 'a' } });
  },
  room: (${MARK}session) => session.done,
});

export async function customers(${MARK}session: SessionOf<typeof contract.json>) {
  await session.send('product', { id: 1, prices: [] });
}

// missing handler
implement(contract, { json: () => {} });
// extra handler
implement(contract, { json: () => {}, room: () => {}, rooms: () => {} });
`;

function analyse() {
  const project = new Project({ tsConfigFilePath: join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  // Never written to disk: the file exists only in the project, next to the tests so it resolves like them.
  const file = project.createSourceFile(join(import.meta.dirname, '__hover__.ts'), program, { overwrite: true });
  const service = project.getLanguageService().compilerObject;
  const hovers: string[] = [];
  for (let at = program.indexOf(MARK); at !== -1; at = program.indexOf(MARK, at + 1)) {
    const info = service.getQuickInfoAtPosition(file.getFilePath(), at + MARK.length);
    hovers.push(ts.displayPartsToString(info?.displayParts ?? []));
  }
  const diagnostics = ts.getPreEmitDiagnostics(project.getProgram().compilerObject, file.compilerNode).map((d) => ({
    line: file.getLineAndColumnAtPos(d.start ?? 0).line,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  const lineOf = (comment: string) => program.split('\n').indexOf(comment) + 2;
  return { hovers, diagnostics, lineOf };
}

const { hovers, diagnostics, lineOf } = analyse();
const [session, send, data, roomSession, named] = hovers;

describe('what editors show for contract routes', () => {
  it("shows a handler's session as the events it can send and its request parts", () => {
    expect(session).toBe(
      [
        '(parameter) session: TypedSession<{',
        '    customer: {',
        '        id: number;',
        '        firstName: string;',
        '    };',
        '    product: {',
        '        id: number;',
        '        prices: number[];',
        '    };',
        '}, {}>',
      ].join('\n'),
    );
    expect(roomSession).toBe(
      [
        '(parameter) session: TypedSession<{',
        '    error: {',
        '        code: string;',
        '        message: string;',
        '    };',
        '    message: string;',
        '}, {',
        '    params: {',
        '        roomId: string;',
        '    };',
        '    query: {',
        '        since?: number | undefined;',
        '    };',
        '}>',
      ].join('\n'),
    );
  });

  it('names the same type SessionOf<typeof contract.json> where a handler is written on its own', () => {
    expect(named).toBe(session);
  });

  it('shows send with the one event it was called with', () => {
    expect(send).toBe(
      [
        '(method) TypedSession<{ customer: { id: number; firstName: string; }; product: { id: number; prices: number[]; }; }, {}>.send<"customer">(event: "customer", data: {',
        '    id: number;',
        '    firstName: string;',
        '}, options?: SendOptions): Promise<void> (+2 overloads)',
      ].join('\n'),
    );
  });

  it("types a raw send's data as that event's data, not a union of every event's", () => {
    expect(data).toBe(['(property) data: {', '    id: number;', '    firstName: string;', '}'].join('\n'));
  });

  it('never prints the route declaration: no summary, no examples, no zod types', () => {
    for (const text of [...hovers, ...diagnostics.map((d) => d.text)]) {
      expect(text).not.toMatch(/summary|examples|Zod|ContractRoute/);
    }
  });

  it('names the missing route when implement() lacks a handler', () => {
    const errors = diagnostics.filter((d) => d.line === lineOf('// missing handler'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.text).toContain(
      `Property 'room' is missing in type '{ json: () => void; }' but required in type '{ room: MissingHandler<"room">; }'.`,
    );
  });

  it('names the key that is no route when implement() gets an extra handler', () => {
    const errors = diagnostics.filter((d) => d.line === lineOf('// extra handler'));
    expect(errors.map((e) => e.text)).toEqual([`Type '() => void' is not assignable to type 'NotARoute<"rooms">'.`]);
  });

  it('reports nothing else', () => {
    const expected = new Set([lineOf('// missing handler'), lineOf('// extra handler')]);
    expect(diagnostics.filter((d) => !expected.has(d.line))).toEqual([]);
  });
});
