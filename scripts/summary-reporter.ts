import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, that CI log readers understand whatever the
 * runner. Skips are listed by name so a skipped browser or Redis test is never silent.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else if (state === 'skipped') skipped.push(`${mod.moduleId.replace(process.cwd(), '.')} > ${test.fullName}`);
      }
    }
    if (skipped.length) {
      console.warn(`\n!!! ${skipped.length} test(s) SKIPPED (a service or browser is missing locally):`);
      for (const name of skipped) console.warn(`!!!   ${name}`);
    }
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
  }
}
