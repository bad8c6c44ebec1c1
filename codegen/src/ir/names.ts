/**
 * `greetings` → `Greetings`, `json_feed` → `JsonFeed`, `response.output_text.delta` → `ResponseOutputTextDelta`: the
 * identifier part generated names take from a route key or an event name. Every run of characters other than ASCII
 * letters and digits separates words; a name with no such character at all becomes `U` plus its code points in hex
 * (`🎉` → `U1F389`). Different names can map to the same part (`a.b`, `a-b`): the client emitter reports that clash.
 *
 * @example
 * ```ts
 * pascalCase('json');                       // 'Json'
 * pascalCase('response.output_text.delta'); // 'ResponseOutputTextDelta'
 * ```
 */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0) {
    return `U${[...name].map((char) => char.codePointAt(0)!.toString(16).toUpperCase()).join('_')}`;
  }
  return words.map((part) => part[0]!.toUpperCase() + part.slice(1)).join('');
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
