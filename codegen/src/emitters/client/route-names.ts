import { CodegenError } from '../../errors.js';
import { defTypeName, pascalCase } from '../../ir/names.js';
import type { IrEvent, IrRoute } from '../../ir/types.js';

/** Every identifier the client emitter declares for one route. */
export interface RouteNames {
  readonly pascal: string;
  readonly event: string;
  readonly handlers: string;
  /** The `on` map of `subscribe`: one optional callback per event, keyed by event name. */
  readonly eventHandlers: string;
  readonly request: string;
  readonly params: string;
  readonly query: string;
  readonly headers: string;
  readonly body: string;
  readonly route: string;
  readonly spec: string;
  /** The route's own deserializer, typed as the contract's `Deserializer`. */
  readonly deserialize: string;
  readonly events: Readonly<Record<string, EventNames>>;
}

/** Identifiers declared for one event. */
export interface EventNames {
  readonly data: string;
  readonly validator: string;
  /** The zod-mode fast path's function. */
  readonly parser: string;
  readonly info: string;
  readonly def: (name: string) => string;
}

function camel(pascal: string): string {
  return pascal[0]!.toLowerCase() + pascal.slice(1);
}

function eventNames(route: IrRoute, event: IrEvent): EventNames {
  const data = event.typeName;
  const base = `${pascalCase(route.key)}${pascalCase(event.name)}`;
  return {
    data,
    validator: `check${data}`,
    parser: `parse${data}`,
    info: `${camel(base)}Info`,
    def: (name) => defTypeName(data, name),
  };
}

/**
 * Names for every route's declarations, checked for clashes (with each other and with the file's imports), so a
 * contract whose keys would collide fails generation with a message instead of emitting code that does not compile.
 */
export function routeNames(routes: readonly IrRoute[], reserved: readonly string[]): Map<string, RouteNames> {
  const owners = new Map<string, string>(reserved.map((name) => [name, 'the generated client itself']));
  const claim = (name: string, owner: string, route: string) => {
    const previous = owners.get(name);
    if (previous !== undefined) {
      throw new CodegenError(
        `the generated name ${name} (${owner}) clashes with ${previous}; rename the route or event`,
        {
          route,
        },
      );
    }
    owners.set(name, owner);
  };
  const result = new Map<string, RouteNames>();
  for (const route of routes) {
    const pascal = pascalCase(route.key);
    const names: RouteNames = {
      pascal,
      event: `${pascal}Event`,
      handlers: `${pascal}Handlers`,
      eventHandlers: `${pascal}EventHandlers`,
      request: `${pascal}Request`,
      params: `${pascal}Params`,
      query: `${pascal}Query`,
      headers: `${pascal}Headers`,
      body: `${pascal}Body`,
      route: `${pascal}Route`,
      spec: `${camel(pascal)}Spec`,
      deserialize: `${camel(pascal)}Deserialize`,
      events: Object.fromEntries(route.events.map((event) => [event.name, eventNames(route, event)])),
    };
    const owner = `route "${route.key}"`;
    for (const key of [
      'event',
      'handlers',
      'eventHandlers',
      'request',
      'params',
      'query',
      'headers',
      'body',
      'route',
      'spec',
    ] as const) {
      claim(names[key], owner, route.key);
    }
    for (const event of route.events) {
      const e = names.events[event.name]!;
      for (const name of [e.data, e.validator, e.parser, e.info])
        claim(name, `${owner}, event "${event.name}"`, route.key);
    }
    result.set(route.key, names);
  }
  return result;
}
