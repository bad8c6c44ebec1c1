import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CONTRACT, type TempProject, tempProject } from '../tests/helpers/temp-project.js';
import type { GenerateResult } from './generate.js';
import { watch } from './watch.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject('ssekit-watch-');
});
afterAll(() => project.cleanup());

/** Waits (bounded) until `read()` satisfies `ok`. */
async function eventually<T>(read: () => T, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('watch', () => {
  it('regenerates when the contracts or a module they import change, and reports errors without stopping', async () => {
    await project.write('src/events.ts', "import { z } from 'zod';\nexport const Tick = z.object({ n: z.int() });\n");
    await project.write(
      'src/contracts.ts',
      "import { defineContract } from '@ssekit/contract';\nimport { Tick } from './events.js';\nexport const contract = defineContract({ ticks: { path: '/ticks', events: { tick: Tick } } });\n",
    );
    const results: GenerateResult[] = [];
    const errors: unknown[] = [];
    const handle = watch(
      {
        cwd: project.dir,
        config: false,
        contracts: 'src/contracts.ts',
        out: 'gen',
        validation: 'standalone',
        outputs: ['client'],
      },
      { onResult: (r) => results.push(r), onError: (e) => errors.push(e), debounceMs: 50 },
    );
    try {
      await handle.ready;
      expect(results).toHaveLength(1);
      expect(results[0]?.files[0]?.status).toBe('created');

      // An edit to an imported schema module, not the entry: regenerated with the new field.
      await project.write(
        'src/events.ts',
        "import { z } from 'zod';\nexport const Tick = z.object({ n: z.int(), at: z.string() });\n",
      );
      const second = await eventually(() => results[1], Boolean, 'a regeneration');
      expect(second?.files[0]?.status).toBe('updated');
      expect(second?.files[0]?.contents).toContain('at: string;');

      await project.write('src/contracts.ts', 'export const broken = ;\n');
      await eventually(
        () => errors.length,
        (n) => n > 0,
        'an error',
      );
      expect(String((errors[0] as Error).message)).toContain('src/contracts.ts: cannot load the module');

      await project.write('src/contracts.ts', SMALL_CONTRACT);
      const fixed = await eventually(
        () => results.at(-1),
        (r) => r !== second,
        'recovery',
      );
      expect(fixed?.files[0]?.contents).toContain('TicksTickData');
    } finally {
      await handle.close();
    }
  });
});
