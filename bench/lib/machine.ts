import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR } from './proc.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  /** Load average when the run started: the machine is shared, numbers are noisy. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  let load: number[] = [];
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    load = [];
  }
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: load,
  };
}

const PACKAGES = [
  '@ssekit/server',
  '@ssekit/client',
  '@ssekit/codegen',
  '@ssekit/contract',
  'better-sse',
  'hono',
  '@hono/node-server',
  'express-zod-api',
  'express',
  'eventsource-parser',
  'zod',
];

/** Installed version of each package the benchmark touches (bench/node_modules first, then the root's). */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    for (const base of [join(BENCH_DIR, 'node_modules'), join(BENCH_DIR, '..', 'node_modules')]) {
      const file = join(base, name, 'package.json');
      if (existsSync(file)) {
        out[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
        break;
      }
    }
  }
  return out;
}

/** The checkout's commit, and whether the measured sources had uncommitted changes. */
export function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', '../packages', '../codegen'], {
      cwd: BENCH_DIR,
      encoding: 'utf8',
    });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** The full commit hash of a git ref. */
export function resolveRef(ref: string): string {
  return execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
}
