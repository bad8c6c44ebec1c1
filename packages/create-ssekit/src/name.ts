import validate from 'validate-npm-package-name';
import { CreateSsekitError } from './errors.js';

/**
 * The npm naming rules `name` breaks, in npm's own words (empty when it is a valid name for a new package).
 * `taken` lists names it must not equal: npm refuses to install a dependency into a package of the same name.
 *
 * @example
 * ```ts
 * nameProblems('my-app'); // []
 * nameProblems('My App'); // ['name can no longer contain capital letters', 'name can only contain URL-friendly characters']
 * nameProblems('zod', ['zod']); // ['name must differ from the app\'s dependency "zod"']
 * ```
 */
export function nameProblems(name: string, taken: readonly string[] = []): string[] {
  const result = validate(name);
  const problems = [...(result.errors ?? []), ...(result.warnings ?? [])];
  if (taken.includes(name)) problems.push(`name must differ from the app's dependency "${name}"`);
  return problems;
}

/**
 * A valid npm name close to `name` (lower case, runs of other characters as one `-`), or `undefined`.
 *
 * @example
 * ```ts
 * suggestName('My App!'); // 'my-app'
 * ```
 */
export function suggestName(name: string): string | undefined {
  const candidate = name
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  if (candidate === '' || candidate === name) return undefined;
  return nameProblems(candidate).length === 0 ? candidate : undefined;
}

/**
 * Throws a {@link CreateSsekitError} `INVALID_NAME` naming every rule `name` breaks, with a suggestion when one exists.
 *
 * @example
 * ```ts
 * validateAppName('my-app'); // ok
 * validateAppName('.hidden'); // throws: Invalid app name ".hidden": name cannot start with a period. ...
 * ```
 */
export function validateAppName(name: string, taken: readonly string[] = []): void {
  const problems = nameProblems(name, taken);
  if (problems.length === 0) return;
  const suggestion = suggestName(name);
  throw new CreateSsekitError(
    'INVALID_NAME',
    `Invalid app name ${JSON.stringify(name)}: ${problems.join('; ')}. ` +
      'The app is named after its folder, which must be a valid npm package name' +
      (suggestion ? ` (e.g. "${suggestion}").` : '.'),
  );
}
