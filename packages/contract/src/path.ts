import { ContractDefinitionError, InvalidArgumentError } from './errors.js';

/**
 * The `:param` names of a path, as a union of string literals.
 *
 * @example
 * ```ts
 * type P = PathParamNames<'/rooms/:roomId/users/:userId'>; // 'roomId' | 'userId'
 * ```
 */
export type PathParamNames<Path extends string> = Path extends `${string}:${infer Rest}`
  ? Rest extends `${infer Name}/${infer Tail}`
    ? Name | PathParamNames<`/${Tail}`>
    : Rest
  : never;

const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)$/;
const STATIC_SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,;=@%]*$/;

/**
 * Splits a route path into its `:param` names, checking its shape.
 *
 * @example
 * ```ts
 * parsePathParams('/rooms/:roomId/events'); // ['roomId']
 * ```
 */
export function parsePathParams(path: string, route?: string): string[] {
  if (!path.startsWith('/')) throw new ContractDefinitionError(`path "${path}" must start with "/"`, route);
  const names: string[] = [];
  const segments = path.split('/').slice(1);
  segments.forEach((segment, index) => {
    if (segment === '' && index !== segments.length - 1) {
      throw new ContractDefinitionError(`path "${path}" has an empty segment`, route);
    }
    if (segment.startsWith(':')) {
      const match = PARAM.exec(segment);
      if (!match?.[1]) throw new ContractDefinitionError(`path "${path}" has an invalid parameter "${segment}"`, route);
      if (names.includes(match[1])) {
        throw new ContractDefinitionError(`path "${path}" repeats parameter "${match[1]}"`, route);
      }
      names.push(match[1]);
    } else if (!STATIC_SEGMENT.test(segment)) {
      throw new ContractDefinitionError(`path "${path}" has an invalid segment "${segment}"`, route);
    }
  });
  return names;
}

/**
 * Turns `/rooms/:roomId` into the OpenAPI/AsyncAPI form `/rooms/{roomId}`.
 *
 * @example
 * ```ts
 * toTemplatePath('/rooms/:roomId'); // '/rooms/{roomId}'
 * ```
 */
export function toTemplatePath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/**
 * Fills a path's `:params` with percent-encoded values.
 *
 * @example
 * ```ts
 * buildPath('/rooms/:roomId', { roomId: 'a b' }); // '/rooms/a%20b'
 * ```
 */
export function buildPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null)
      throw new InvalidArgumentError(`missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/**
 * What two routes must not share: the method and the path with every `:param` written as `:`. Two routes with the
 * same shape would match the same requests, so `defineContract` and the server's router both reject the second one.
 *
 * @example
 * ```ts
 * routeShape('GET', '/rooms/:roomId/events'); // 'GET /rooms/:/events'
 * routeShape('GET', '/rooms/:id/events') === routeShape('GET', '/rooms/:roomId/events'); // true
 * ```
 */
export function routeShape(method: string, path: string): string {
  return `${method} ${path.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, ':')}`;
}
