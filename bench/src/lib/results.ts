import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../results');

/** One line of the summary table. `target` and `pass` only where the issue sets a target. */
export interface SummaryRow {
  metric: string;
  value: string;
  target?: string;
  pass?: boolean;
  note?: string;
}

export interface BenchResult {
  name: string;
  json: Record<string, unknown>;
  rows: SummaryRow[];
}

export function writeResult(r: BenchResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `${r.name}.json`),
    `${JSON.stringify({ ...r.json, machine: machine(), at: new Date().toISOString() }, null, 2)}\n`,
  );
}

export function readResult(name: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

// Some tools (janus) print their version and then exit non-zero: read stdout either way.
const version = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim() || 'unknown';

let cached: Record<string, unknown> | null = null;
/** What the numbers were measured on. */
export function machine(): Record<string, unknown> {
  cached ??= {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    kernel: version('uname', ['-r']),
    node: process.version,
    janus: version('janus', ['--version']),
    chromium: version('chromium', ['--version']),
    ffmpeg: version('ffmpeg', ['-version']),
  };
  return cached;
}
