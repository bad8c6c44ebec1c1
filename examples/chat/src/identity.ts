import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the cookie holding the signed user name. */
export const NAME_COOKIE = 'chat_name';

/** Names claimed in this process, at most this many (the least recently used claim is released past it). */
const MAX_CLAIMS = 100_000;

/** A verified identity: the name and the random id of the sign-in that claimed it. */
export interface ChatIdentity {
  readonly name: string;
  readonly owner: string;
}

/**
 * The chat's minimal identity: a name chosen at sign-in, in an HMAC-SHA256-signed cookie
 * (`<base64url name>.<owner id>.<signature>`), so a client can neither forge a name nor change the one it got. A name
 * is claimed by its first sign-in in this process: signing in as a name held by another owner is refused, and so is
 * a cookie for a name another owner holds. The secret comes from the caller (e.g. `CHAT_SECRET`), else a random one
 * per process (cookies then die with the process; instances behind one load balancer need the same secret).
 *
 * @example
 * ```ts
 * const ids = createIdentities(process.env.CHAT_SECRET);
 * const cookie = ids.signIn('ada'); // Set-Cookie value, or undefined when another owner holds 'ada'
 * ```
 */
export function createIdentities(secret: string | undefined) {
  const key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  const claims = new Map<string, string>();

  const sign = (payload: string) => createHmac('sha256', key).update(`chat-name:${payload}`).digest('base64url');

  /** Claims `name` for `owner` (or refreshes the claim); false when another owner holds it. */
  const claim = (name: string, owner: string): boolean => {
    const holder = claims.get(name);
    if (holder !== undefined && holder !== owner) return false;
    claims.delete(name);
    claims.set(name, owner);
    if (claims.size > MAX_CLAIMS) claims.delete(claims.keys().next().value as string);
    return true;
  };

  return {
    /** Signs `name` in with a new owner id: the cookie value, or `undefined` when the name is held by someone else. */
    signIn(name: string, current?: ChatIdentity): string | undefined {
      const owner = current?.owner ?? randomBytes(12).toString('base64url');
      if (!claim(name, owner)) return undefined;
      const payload = `${Buffer.from(name, 'utf8').toString('base64url')}.${owner}`;
      return `${payload}.${sign(payload)}`;
    },
    /** The identity of a request's `Cookie` header, or `undefined` (no cookie, a forged one, or a name now held by another). */
    verify(cookieHeader: string | undefined): ChatIdentity | undefined {
      const value = readCookie(cookieHeader, NAME_COOKIE);
      if (!value) return undefined;
      const parts = value.split('.');
      if (parts.length !== 3) return undefined;
      const [encodedName, owner, signature] = parts as [string, string, string];
      const expected = Buffer.from(sign(`${encodedName}.${owner}`));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const name = Buffer.from(encodedName, 'base64url').toString('utf8');
      return claim(name, owner) ? { name, owner } : undefined;
    },
  };
}

/** The identities of one chat server. */
export type Identities = ReturnType<typeof createIdentities>;

/**
 * The `Set-Cookie` header of a signed name: HTTP-only, same-site strict, for the whole site, 30 days.
 *
 * @example
 * ```ts
 * res.setHeader('set-cookie', nameCookie(identities.signIn('ada') as string));
 * ```
 */
export function nameCookie(value: string): string {
  return `${NAME_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 24 * 3600}`;
}

/**
 * One cookie's value from a `Cookie` header.
 *
 * @example
 * ```ts
 * readCookie('a=1; chat_name=x.y.z', 'chat_name'); // 'x.y.z'
 * ```
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The Origin check: a request without `Origin` (curl, a same-origin GET) passes; one with an `Origin` outside the
 * allow-list is refused (answered 403 before any handler runs). `allowed` holds exact origins, e.g.
 * `http://127.0.0.1:8080`.
 *
 * @example
 * ```ts
 * if (!originAllowed(req.headers.origin, allowed)) return problem(res, 403, 'cross-origin request refused');
 * ```
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  return origin === undefined || allowed.has(origin);
}
