import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capacity } from './capacity.js';
import { cluster } from './cluster.js';
import { ingest } from './ingest.js';
import { latency } from './latency.js';
import { writeCharts } from './lib/charts.js';
import { type BenchResult, machine, RESULTS_DIR, readResult, writeResult } from './lib/results.js';
import { location } from './location.js';
import { mobileViewer } from './mobile-viewer.js';
import { pageWeight } from './page-weight.js';
import { reconnect } from './reconnect.js';
import { seal } from './seal.js';
import { ttff } from './ttff.js';
import { wall } from './wall.js';

const NOTES = fileURLToPath(new URL('../NOTES.md', import.meta.url));

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  ttff,
  latency,
  capacity,
  location,
  'page-weight': pageWeight,
  wall,
  cluster,
  'mobile-viewer': mobileViewer,
  seal,
  ingest,
  reconnect,
};
/** Run only when named: each takes several minutes of its own (a whole cluster; four Chromium servers' worth of calls). */
const ON_REQUEST = new Set(['cluster', 'mobile-viewer']);

/** Runs the named benchmarks (all by default), writes each JSON file, then summary.md from all present results. */
async function main(): Promise<void> {
  if (process.argv.includes('--summary')) return writeSummary({}); // rebuild summary.md from the JSON files
  if (process.env.SIGHTLINE_IN_NETNS !== '1') {
    throw new Error('run benchmarks through `npm run bench` (network namespace)');
  }
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length)
    throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; have ${Object.keys(BENCHES).join(', ')}`);
  const selected = names.length ? names : Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n));
  const rows: Record<string, BenchResult['rows']> = {};
  for (const name of selected) {
    const started = Date.now();
    process.stdout.write(`\n▶ ${name}\n`);
    const result = await BENCHES[name]!();
    writeResult({
      ...result,
      json: {
        ...result.json,
        duration_s: Math.round((Date.now() - started) / 1000),
        summary_rows: result.rows,
      },
    });
    rows[name] = result.rows;
    for (const r of result.rows)
      process.stdout.write(
        `  ${r.metric}: ${r.value}${r.target ? ` (target ${r.target}: ${r.pass ? 'pass' : 'falls short'})` : ''}\n`,
      );
  }
  writeSummary(rows);
}

function writeSummary(fresh: Record<string, BenchResult['rows']>): void {
  // The machine the results were measured on (from their JSON), not the one rebuilding the summary.
  const measured = Object.keys(BENCHES)
    .map((n) => readResult(n)?.machine)
    .find(Boolean) as Record<string, unknown> | undefined;
  const m = Object.keys(fresh).length ? machine() : (measured ?? machine());
  const lines = [
    '# Benchmark summary',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; kernel ${m.kernel}; Node ${m.node}; ${m.janus}; ${m.chromium}.`,
    '',
    '| Benchmark | Metric | Value | Target | Result |',
    '|---|---|---|---|---|',
  ];
  for (const name of Object.keys(BENCHES)) {
    const rows = fresh[name] ?? (readResult(name)?.summary_rows as BenchResult['rows'] | undefined);
    if (!rows) continue;
    for (const r of rows) {
      lines.push(
        `| ${name} | ${r.metric} | ${r.value} | ${r.target ?? ''} | ${r.target ? (r.pass ? 'pass' : '**falls short**') : ''} |`,
      );
    }
  }
  const charts = writeCharts(join(RESULTS_DIR, 'charts'), {
    capacity: readResult('capacity') ?? null,
    ttff: readResult('ttff') ?? null,
  });
  if (charts.length) lines.push('', ...charts.map((c) => `![${c}](charts/${c})`));
  // Hand-written analysis (why a target is missed, what limits a number) lives beside the code.
  const notes = existsSync(NOTES) ? `\n${readFileSync(NOTES, 'utf8')}` : '';
  writeFileSync(join(RESULTS_DIR, 'summary.md'), `${lines.join('\n')}\n${notes}`);
}

// Exit explicitly: synthetic peers and sockets can keep the event loop alive after the last benchmark.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
