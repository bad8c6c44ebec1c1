import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Project } from 'ts-morph';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, isSsekitError, logError, SsekitError } from './errors.js';

const root = join(import.meta.dirname, '../../..');
/** The packages whose errors form the taxonomy (create-ssekit, which does not depend on the contract, is not one). */
const SOURCES = [
  'packages/contract/src',
  'packages/server/src',
  'packages/client/src',
  'packages/redis/src',
  'codegen/src',
  'packages/testing/src',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The members of the `SsekitErrorCode` union, as the type checker sees them. */
function unionCodes(): string[] {
  const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true });
  const file = project.addSourceFileAtPath(join(import.meta.dirname, 'errors.ts'));
  return file
    .getTypeAliasOrThrow('SsekitErrorCode')
    .getType()
    .getUnionTypes()
    .map((type) => String(type.getLiteralValue()));
}

/** Every `class X extends SsekitError<'CODE'>` in the package sources: code → class names. */
function classesByCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of SOURCES) {
    for (const file of sourceFiles(dir)) {
      for (const match of readFileSync(file, 'utf8').matchAll(
        /^(?:export )?class (\w+) extends SsekitError<'([A-Z_]+)'>/gm,
      )) {
        found.set(match[2] as string, [...(found.get(match[2] as string) ?? []), match[1] as string]);
      }
    }
  }
  return found;
}

/** The rows of the table in docs/errors.md: code → class. */
function documentedCodes(): Map<string, string> {
  const table = new Map<string, string>();
  const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  for (const match of text.matchAll(/^\| `([A-Z_]+)` \| `(\w+)` \|/gm)) {
    expect(table.has(match[1] as string), `${match[1]} is listed twice`).toBe(false);
    table.set(match[1] as string, match[2] as string);
  }
  return table;
}

describe('the error taxonomy', () => {
  it('docs/errors.md lists exactly the codes of the SsekitErrorCode union', () => {
    const union = unionCodes();
    expect(union.length).toBeGreaterThan(20);
    expect([...documentedCodes().keys()].sort()).toEqual([...union].sort());
  });

  it('gives every code exactly one class, the one the docs name', () => {
    const classes = classesByCode();
    const documented = documentedCodes();
    for (const code of unionCodes()) {
      expect(classes.get(code), `classes with code ${code}`).toEqual([documented.get(code)]);
    }
    expect([...classes.keys()].sort()).toEqual(unionCodes().sort());
  });

  it('leaves no plain Error, TypeError or RangeError thrown, rejected or reported in the package sources', () => {
    const plain = /\b(?:throw|reject\(|report\()\s*new (?:Error|TypeError|RangeError)\(/;
    const offenders = SOURCES.flatMap(sourceFiles).filter((file) => plain.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});

describe('logError', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('logs an ssekit error as one line with its code, where it happened, and its cause', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cause = new Error('disk on fire');
    class StoreDown extends SsekitError<'STORE_UNAVAILABLE'> {}
    logError(new StoreDown('STORE_UNAVAILABLE', 'not stored', { cause }), 'hub "room"');
    expect(warn).toHaveBeenCalledWith('[ssekit] hub "room" STORE_UNAVAILABLE: not stored', cause);
    logError(new InvalidArgumentError('bad option'));
    expect(warn).toHaveBeenLastCalledWith('[ssekit] INVALID_ARGUMENT: bad option');
  });

  it('logs anything else as is, after the prefix', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = new Error('plain');
    logError(error, 'route "a"');
    expect(warn).toHaveBeenCalledWith('[ssekit] route "a"', error);
    expect(isSsekitError(error)).toBe(false);
  });
});
