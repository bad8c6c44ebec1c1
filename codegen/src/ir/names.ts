/**
 * `greetings` → `Greetings`, `json_feed` → `JsonFeed`: the prefix of a route's generated type names.
 *
 * @example
 * ```ts
 * pascalCase('json'); // 'Json'
 * ```
 */
export function pascalCase(name: string): string {
  return name
    .split(/[_$]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The type name of an event's data in generated code: `${Route}${Event}Data`.
 *
 * @example
 * ```ts
 * eventTypeName('json', 'customer'); // 'JsonCustomerData'
 * ```
 */
export function eventTypeName(route: string, event: string): string {
  return `${pascalCase(route)}${pascalCase(event)}Data`;
}

/**
 * The type name of a `$defs` entry of an event schema: the event's type name plus the def's name.
 *
 * @example
 * ```ts
 * defTypeName('TreeNodeData', '__schema0'); // 'TreeNodeDataSchema0'
 * ```
 */
export function defTypeName(typeName: string, def: string): string {
  return `${typeName}${pascalCase(def.replace(/[^A-Za-z0-9_$]/g, '_'))}`;
}
