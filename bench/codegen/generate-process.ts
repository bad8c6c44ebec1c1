/**
 * (E) child: times `generate()` of `@ssekit/codegen` on the synthetic contract, in a fresh process (first call, the
 * cost a CLI run pays after start-up) and once more warm. Bundled by part E with `@ssekit/codegen` left external and run
 * by plain node, so the package loads compiled from its dist/, as in an installed app.
 */
import { argValue, serveCommands } from '../lib/child.ts';

const contracts = argValue('contracts') as string;
const out = argValue('out') as string;

serveCommands(
  {
    time: async () => {
      const startImport = performance.now();
      const { generate } = await import('@ssekit/codegen');
      const importMs = performance.now() - startImport;
      const times: number[] = [];
      let files = 0;
      let routes = 0;
      for (let i = 0; i < 2; i++) {
        const start = performance.now();
        const result = await generate({ config: false, cwd: out, contracts, exportName: 'bigContract', out });
        times.push(performance.now() - start);
        files = result.files.length;
        routes = result.ir.routes.length;
      }
      return { importMs, coldMs: times[0], warmMs: times[1], files, routes };
    },
  },
  {},
);
