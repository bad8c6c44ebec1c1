import type { $ZodType } from 'zod/v4/core';

// Schema kinds whose runtime check or output a JSON Schema validator cannot reproduce.
const ZOD_ONLY: Readonly<Record<string, string>> = {
  transform: 'transform',
  pipe: 'pipe',
  custom: 'custom schema',
  date: 'Date',
  bigint: 'bigint',
  symbol: 'symbol',
  map: 'Map',
  set: 'Set',
  function: 'function',
  promise: 'promise',
  nan: 'NaN',
  undefined: 'undefined',
  void: 'void',
  file: 'File',
};

type Def = { type: string; checks?: { _zod: { def: { check: string } } }[] } & Record<string, unknown>;

function isSchema(value: unknown): value is $ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * Why a zod schema cannot be fully checked by a JSON Schema validator: transforms, pipes, refinements, Dates and other
 * values JSON has no type for. Empty when the JSON Schema says everything zod would check.
 *
 * @example
 * ```ts
 * zodOnlyFeatures(z.string().transform((s) => new Date(s))); // ['transform']
 * zodOnlyFeatures(z.object({ id: z.number() }));             // []
 * ```
 */
export function zodOnlyFeatures(schema: $ZodType): string[] {
  const reasons = new Set<string>();
  const seen = new Set<$ZodType>();
  const visit = (node: unknown): void => {
    if (!isSchema(node) || seen.has(node)) return;
    seen.add(node);
    const def = node._zod.def as unknown as Def;
    const reason = ZOD_ONLY[def.type];
    if (reason) reasons.add(reason);
    for (const check of def.checks ?? []) {
      if (check._zod.def.check === 'custom') reasons.add('refinement');
    }
    if (def.type === 'lazy' && typeof def.getter === 'function') visit((def.getter as () => unknown)());
    for (const key of ['shape', 'options', 'items']) {
      const children = def[key];
      if (Array.isArray(children)) children.forEach(visit);
      else if (children && typeof children === 'object' && !isSchema(children)) Object.values(children).forEach(visit);
    }
    for (const key of [
      'element',
      'innerType',
      'in',
      'out',
      'left',
      'right',
      'rest',
      'catchall',
      'keyType',
      'valueType',
    ]) {
      visit(def[key]);
    }
  };
  visit(schema);
  return [...reasons].sort();
}
