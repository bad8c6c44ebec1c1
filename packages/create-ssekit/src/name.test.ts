import { describe, expect, it } from 'vitest';
import { CreateSsekitError } from './errors.js';
import { nameProblems, suggestName, validateAppName } from './name.js';
import { APP_DEPENDENCY_NAMES } from './package-json.js';

function invalidName(name: string, taken?: readonly string[]): CreateSsekitError {
  try {
    validateAppName(name, taken);
  } catch (error) {
    expect(error).toBeInstanceOf(CreateSsekitError);
    expect((error as CreateSsekitError).code).toBe('INVALID_NAME');
    return error as CreateSsekitError;
  }
  throw new Error(`expected ${JSON.stringify(name)} to be rejected`);
}

describe('app names', () => {
  it.each(['my-app', 'app2', 'sse.demo', 'my_app', 'a'])('accepts %s', (name) => {
    expect(nameProblems(name, APP_DEPENDENCY_NAMES)).toEqual([]);
    expect(() => validateAppName(name, APP_DEPENDENCY_NAMES)).not.toThrow();
  });

  it.each([
    ['My-App', 'name can no longer contain capital letters'],
    ['.hidden', 'name cannot start with a period'],
    ['_private', 'name cannot start with an underscore'],
    ['-dash', 'name cannot start with a hyphen'],
    ['my app', 'name can only contain URL-friendly characters'],
    ['café', 'name can only contain URL-friendly characters'],
    ['node_modules', 'node_modules is not a valid package name'],
    ['favicon.ico', 'favicon.ico is not a valid package name'],
    ['http', 'http is a core module name'],
    ['wow!', 'name can no longer contain special characters'],
    ['a'.repeat(215), 'name can no longer contain more than 214 characters'],
    ['', 'name length must be greater than zero'],
  ])('rejects %j, naming the rule (%s)', (name, rule) => {
    const error = invalidName(name);
    expect(error.message).toContain(rule);
    expect(error.message).toContain(JSON.stringify(name));
  });

  it('rejects the name of a dependency of the app (npm refuses to install a package into itself)', () => {
    for (const name of ['zod', 'typescript', 'tsx', 'hono']) {
      expect(invalidName(name, APP_DEPENDENCY_NAMES).message).toContain(`differ from the app's dependency "${name}"`);
    }
    expect(() => validateAppName('zod')).not.toThrow();
  });

  it('suggests a valid name when one is close', () => {
    expect(suggestName('My App!')).toBe('my-app');
    expect(suggestName('my-app')).toBeUndefined();
    expect(suggestName('!!!')).toBeUndefined();
    expect(invalidName('My App').message).toContain('(e.g. "my-app")');
    expect(invalidName('.hidden').message).toContain('(e.g. "hidden")');
  });
});
