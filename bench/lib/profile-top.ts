/**
 * Summarizes a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof`): self time per function and per package, as % of
 * samples. Usage: `npx tsx bench/lib/profile-top.ts <file.cpuprofile> [--top 30]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface Hot {
  name: string;
  samples: number;
  percent: number;
}

function where(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  const s = /\/(packages\/[^/]+|codegen|bench)\//.exec(url);
  if (s) return s[1] as string;
  if (url.startsWith('node:')) return 'node:internal';
  return url === '' ? '(native/vm)' : url.replace(/^.*\//, '');
}

/** Self samples per function (`name (file:line)`) and per package, most first. */
export function summarize(profile: Profile): { functions: Hot[]; packages: Hot[]; total: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\//, '');
    const key = `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    const p = functionName === '(idle)' ? '(idle)' : where(url);
    pkg.set(p, (pkg.get(p) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const rank = (m: Map<string, number>) =>
    [...m]
      .map(([name, samples]) => ({ name, samples, percent: (100 * samples) / total }))
      .sort((a, b) => b.samples - a.samples);
  return { functions: rank(self), packages: rank(pkg), total };
}

if (process.argv[1]?.endsWith('profile-top.ts')) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [--top N]');
  const topAt = process.argv.indexOf('--top');
  const top = topAt === -1 ? 30 : Number(process.argv[topAt + 1]);
  const { functions, packages, total } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  console.log(`${total} samples`);
  console.log('\nself time by package:');
  for (const p of packages.slice(0, 15)) console.log(`  ${p.percent.toFixed(1).padStart(5)}%  ${p.name}`);
  console.log('\nself time by function:');
  for (const f of functions.slice(0, top)) console.log(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
}
