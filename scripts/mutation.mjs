// `npm run test:mutation -- [module…]`: one Stryker run per module (see scripts/mutation-modules.mjs), one after the
// other; reports under reports/mutation/<module>/. Options after `--` that start with `-` go to Stryker as they are.
import { spawnSync } from 'node:child_process';
import { mutationModules } from './mutation-modules.mjs';

const args = process.argv.slice(2);
const names = args.filter((arg) => !arg.startsWith('-'));
const strykerArgs = args.filter((arg) => arg.startsWith('-'));
const selected = names.length ? names : Object.keys(mutationModules);
let failed = false;
for (const name of selected) {
  if (!(name in mutationModules)) {
    console.error(`unknown mutation module ${name}; known: ${Object.keys(mutationModules).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== mutation: ${name} ===`);
  const run = spawnSync('npx', ['stryker', 'run', ...strykerArgs], {
    stdio: 'inherit',
    env: { ...process.env, SSEKIT_MUTATION_MODULE: name },
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
