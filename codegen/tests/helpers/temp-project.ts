import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A throwaway folder whose `node_modules` is the repo's, so modules there can import zod and `@ssekit/*`. */
export interface TempProject {
  readonly dir: string;
  write(path: string, contents: string): Promise<string>;
  cleanup(): Promise<void>;
}

const repoNodeModules = resolve(import.meta.dirname, '../../../node_modules');

export async function tempProject(prefix = 'ssekit-codegen-'): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await symlink(repoNodeModules, join(dir, 'node_modules'), 'dir');
  // ESM, as ssekit expects: tsx would load .ts files of a package without "type": "module" as CommonJS.
  await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  return {
    dir,
    async write(path, contents) {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, contents);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A small valid contracts module, as a user would write it. */
export const SMALL_CONTRACT = `import { defineContract } from '@ssekit/contract';
import { z } from 'zod';

export const contract = defineContract({
  ticks: { path: '/ticks', events: { tick: z.object({ n: z.int() }) } },
});
`;
