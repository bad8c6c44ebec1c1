/**
 * Writes a synthetic contract module: `routes` routes × `events` events, with params, a query and a mix of schema
 * shapes (objects, enums, arrays, optional and nested fields), the size of a large real API.
 */
export function contractSource(routes: number, events: number): string {
  const lines = [
    `import { defineContract } from '@ssekit/contract';`,
    `import { z } from 'zod';`,
    '',
    `const Money = z.object({ amount: z.number().int(), currency: z.enum(['EUR', 'USD', 'GBP']) });`,
    '',
    'export const bigContract = defineContract({',
  ];
  for (let r = 0; r < routes; r++) {
    lines.push(`  route${r}: {`);
    lines.push(`    path: '/area${r % 20}/route${r}/:id',`);
    lines.push(`    summary: 'Route ${r}',`);
    lines.push(`    params: z.object({ id: z.string().min(1).max(64) }),`);
    lines.push(
      `    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10), tag: z.string().optional() }),`,
    );
    lines.push('    events: {');
    for (let e = 0; e < events; e++) {
      const fields = [
        `seq: z.number().int()`,
        `name: z.string().max(200)`,
        e % 2 === 0 ? `price: Money` : `tags: z.array(z.string())`,
        e % 3 === 0 ? `status: z.enum(['open', 'closed', 'pending'])` : `note: z.string().optional()`,
        e % 5 === 0
          ? `meta: z.object({ by: z.string(), at: z.number(), flags: z.array(z.boolean()) })`
          : `ok: z.boolean()`,
      ];
      lines.push(`      event${e}: z.object({ ${fields.join(', ')} }),`);
    }
    lines.push('    },');
    lines.push('  },');
  }
  lines.push('});', '');
  return lines.join('\n');
}
