import { join } from 'node:path';
import { buildIr } from '@ssekit/codegen';
import { seedContract } from '@ssekit-examples/contracts';
import { describe, expect, it } from 'vitest';
import { seedContract as miniSeedContract } from './fixtures/seed-contract-mini.ts';
import {
  BUDGETS,
  type BundleSize,
  bundleSpecs,
  measureBundle,
  REACT_EXTRA_BUDGET,
  REPO,
  reactExtra,
} from './measure.ts';

// Bundle sizes are deterministic for a given tree and esbuild version: the budgets are asserted in bytes.
const specs = bundleSpecs(join(REPO, 'node_modules/.cache/ssekit-bench/size-test'));
const sizes = new Map<string, BundleSize>();
async function size(name: string): Promise<BundleSize> {
  let result = sizes.get(name);
  if (!result) {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no bundle named ${name}`);
    result = await measureBundle(spec);
    sizes.set(name, result);
  }
  return result;
}
const report = (b: BundleSize) =>
  `${b.name}: min ${b.min} B, min+gzip ${b.gzip} B; min bytes by origin ${JSON.stringify(b.composition)}`;

describe('browser bundle of the generated seed client (esbuild, minified, ESM, browser; gzip -9)', () => {
  it(`standalone mode, client + runtime: ≤ ${BUDGETS.standalone} B min+gzip, no zod`, async () => {
    const b = await size('standalone');
    expect(b.gzip, report(b)).toBeLessThanOrEqual(BUDGETS.standalone);
    expect(Object.keys(b.composition).filter((origin) => origin.startsWith('zod'))).toEqual([]);
  });

  it(`zod mode, seed contract in zod/mini: ≤ ${BUDGETS.zod} B min+gzip; the runtime pulls in no classic zod, no locale`, async () => {
    const b = await size('zod-mini');
    expect(b.gzip, report(b)).toBeLessThanOrEqual(BUDGETS.zod);
    // @ssekit/contract and @ssekit/client import zod/v4/core at most: classic zod or a locale here would come from them
    expect(Object.keys(b.composition).filter((origin) => origin === 'zod classic' || origin === 'zod locales')).toEqual(
      [],
    );
  });

  it('zod mode, seed contract with `import * as z from "zod"`: classic zod with its default locale only', async () => {
    const b = await size('zod-namespace');
    expect(b.zodLocales, report(b)).toEqual(['en']);
    // classic zod's own floor (its schemas carry every method) keeps this above the 30 KB target; see bench/README.md
    expect(b.gzip, report(b)).toBeLessThan(45_000);
  });
});

describe('@ssekit/react in a React app (esbuild, minified, ESM, browser; gzip -9)', () => {
  it(`adds ≤ ${REACT_EXTRA_BUDGET} B min+gzip over the same app with a hand-written useEffect`, async () => {
    const baseline = await size('react-baseline');
    const hooks = await size('react-hooks');
    const extra = reactExtra([baseline, hooks]);
    expect(extra?.gzip, `${report(baseline)}\n${report(hooks)}`).toBeLessThanOrEqual(REACT_EXTRA_BUDGET);
    // the difference is ssekit's: React itself is the same in both
    expect(hooks.composition['react-dom']).toBe(baseline.composition['react-dom']);
    expect(hooks.composition['@ssekit/react']).toBeGreaterThan(0);
  });
});

/** The IR without the fast paths' fingerprints, which identify the zod build a schema was made with (classic or mini). */
function withoutFingerprints(ir: ReturnType<typeof buildIr>) {
  const routes = ir.routes.map((route) => ({
    ...route,
    events: route.events.map((event) =>
      event.zodFastPath ? { ...event, zodFastPath: { ...event.zodFastPath, signature: 'any' } } : event,
    ),
  }));
  return { ...ir, routes };
}

describe('the zod/mini fixture is the seed contract', () => {
  it('has the same IR (routes, events, JSON Schemas, examples, encodings, fast paths) as contracts/src', () => {
    const mini = buildIr(miniSeedContract);
    const classic = buildIr(seedContract);
    expect(withoutFingerprints(mini)).toEqual(withoutFingerprints(classic));
    expect(classic.routes.flatMap((route) => route.events).filter((event) => event.zodFastPath)).toHaveLength(4);
  });
});
