import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Plain SVG, written beside summary.md, so the results can be seen and not only read:
// the capacity knee and where the time to first frame goes. No library: two small charts.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Level {
  sessions: number;
  janus_cpu_s_per_s: number;
  server_cpu_s_per_s: number;
  frame_delay_p95_ms: number | null;
}

/** Frame delay p95 and CPU (Janus + server) against sessions, with the knee marked. */
export function capacityChart(levels: Level[], knee: number | null, limitMs: number | null): string {
  const W = 640;
  const H = 320;
  const L = 56;
  const R = 64;
  const T = 36;
  const B = 44;
  const maxN = Math.max(...levels.map((l) => l.sessions));
  const maxDelay = Math.max(60, ...levels.map((l) => l.frame_delay_p95_ms ?? 0), limitMs ?? 0) * 1.1;
  const maxCpu = Math.max(...levels.map((l) => l.janus_cpu_s_per_s + l.server_cpu_s_per_s)) * 1.1;
  const x = (n: number) => L + (n / maxN) * (W - L - R);
  const yD = (ms: number) => H - B - (ms / maxDelay) * (H - T - B);
  const yC = (c: number) => H - B - (c / maxCpu) * (H - T - B);
  const line = (pts: Array<[number, number]>) =>
    pts.map(([a, b], i) => `${i ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
  const delay = levels.filter((l) => l.frame_delay_p95_ms !== null);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${L}" y="20" font-size="14" font-weight="bold">capacity: frame delay p95 (red) and Janus + server CPU (blue)</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#c00"/>`,
    `<line x1="${W - R}" y1="${T}" x2="${W - R}" y2="${H - B}" stroke="#06c"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">sessions (each: a publisher, 2 viewers, recording)</text>`,
    `<text x="12" y="${T - 8}" fill="#c00">ms</text><text x="${W - R + 8}" y="${T - 8}" fill="#06c">cores</text>`,
  ];
  for (const l of levels)
    parts.push(`<text x="${x(l.sessions)}" y="${H - B + 16}" text-anchor="middle">${l.sessions}</text>`);
  for (let i = 0; i <= 4; i++) {
    const ms = (maxDelay / 4) * i;
    const c = (maxCpu / 4) * i;
    parts.push(`<text x="${L - 6}" y="${yD(ms) + 4}" text-anchor="end" fill="#c00">${Math.round(ms)}</text>`);
    parts.push(`<text x="${W - R + 6}" y="${yC(c) + 4}" fill="#06c">${c.toFixed(2)}</text>`);
  }
  if (limitMs !== null)
    parts.push(
      `<line x1="${L}" y1="${yD(limitMs)}" x2="${W - R}" y2="${yD(limitMs)}" stroke="#c00" stroke-dasharray="4 4"/>`,
      `<text x="${L + 4}" y="${yD(limitMs) - 4}" fill="#c00">knee rule: ${Math.round(limitMs)} ms</text>`,
    );
  if (knee !== null)
    parts.push(
      `<line x1="${x(knee)}" y1="${T}" x2="${x(knee)}" y2="${H - B}" stroke="#999" stroke-dasharray="2 3"/>`,
      `<text x="${x(knee) - 4}" y="${T + 12}" text-anchor="end">knee: ${knee}</text>`,
    );
  parts.push(
    `<path d="${line(delay.map((l) => [x(l.sessions), yD(l.frame_delay_p95_ms!)]))}" fill="none" stroke="#c00" stroke-width="2"/>`,
    `<path d="${line(levels.map((l) => [x(l.sessions), yC(l.janus_cpu_s_per_s + l.server_cpu_s_per_s)]))}" fill="none" stroke="#06c" stroke-width="2"/>`,
  );
  for (const l of delay)
    parts.push(`<circle cx="${x(l.sessions)}" cy="${yD(l.frame_delay_p95_ms!)}" r="3" fill="#c00"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * One horizontal bar per step of the time to first frame, in order (p50 of each); below them, when
 * given, the whole against the same browser's direct call measured in the same run and the target.
 */
export function ttffChart(
  phases: Array<[string, number]>,
  totalMs: number,
  floor?: { directMs: number; targetMs: number },
): string {
  const W = 640;
  const row = 22;
  const L = 190;
  const totalsTop = 50 + phases.length * row + 10;
  const H = floor ? totalsTop + 30 + 2 * row + 24 : 50 + phases.length * row;
  const max = Math.max(...phases.map(([, v]) => v)) * 1.15;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">ttff: where the ${Math.round(totalMs)} ms (p50) go, step by step (p50 of each, ms)</text>`,
  ];
  phases.forEach(([name, v], i) => {
    const y = 36 + i * row;
    const w = Math.max(1, (v / max) * (W - L - 60));
    const colour = /viewer|serverSubscribe|serverNotice|firstFrame/.test(name) ? '#06c' : '#c60';
    parts.push(
      `<text x="${L - 8}" y="${y + 14}" text-anchor="end">${esc(name)}</text>`,
      `<rect x="${L}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 8}" fill="${colour}"/>`,
      `<text x="${L + w + 6}" y="${y + 14}">${v.toFixed(0)}</text>`,
    );
  });
  if (floor) {
    // Its own scale: the totals are several times the longest step.
    const scale = (W - L - 60) / (Math.max(totalMs, floor.directMs, floor.targetMs) * 1.1);
    parts.push(
      `<text x="10" y="${totalsTop + 14}" font-weight="bold">The whole (p50, ms) against the browser alone, same run</text>`,
    );
    const bars: Array<[string, number, string]> = [
      ['ttff (via Janus)', totalMs, '#333'],
      ['browser alone, direct', floor.directMs, '#999'],
    ];
    bars.forEach(([name, v, colour], i) => {
      const y = totalsTop + 22 + i * row;
      parts.push(
        `<text x="${L - 8}" y="${y + 14}" text-anchor="end">${esc(name)}</text>`,
        `<rect x="${L}" y="${y + 3}" width="${(v * scale).toFixed(1)}" height="${row - 8}" fill="${colour}"/>`,
        `<text x="${L + v * scale + 6}" y="${y + 14}">${v.toFixed(0)}</text>`,
      );
    });
    const tx = L + floor.targetMs * scale;
    parts.push(
      `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${totalsTop + 20}" y2="${totalsTop + 22 + 2 * row}" stroke="#c00" stroke-dasharray="4 3"/>`,
      `<text x="${(tx + 4).toFixed(1)}" y="${totalsTop + 22 + 2 * row + 12}" fill="#c00">target ${floor.targetMs}</text>`,
    );
  }
  parts.push(
    `<text x="10" y="${H - 6}" fill="#555">orange: the phone and its publish; blue: the officer's console and its subscription</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** Writes the charts the present results allow into `dir`; returns the file names written. */
export function writeCharts(dir: string, results: Record<string, Record<string, unknown> | null>): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const cap = results.capacity;
  if (cap && Array.isArray(cap.levels)) {
    const levels = [...(cap.levels as Level[]), ...((cap.knee_levels as Level[] | undefined) ?? [])];
    const knee = (cap.knee as { sessions?: number } | null)?.sessions ?? null;
    const base = levels[0]?.frame_delay_p95_ms ?? null;
    writeFileSync(join(dir, 'capacity.svg'), capacityChart(levels, knee, base === null ? null : base + 33));
    written.push('capacity.svg');
  }
  const t = results.ttff;
  if (t?.phases) {
    // The sequential steps only (the split-out shares are inside them).
    const order = [
      'getUserMedia',
      'callerOffer',
      'serverPublish',
      'ice',
      'dtls',
      'serverNotice',
      'viewerSdp',
      'viewerAnswer',
      'viewerIce',
      'viewerDtls',
      'firstFrameAfterConnect',
    ];
    const phases = t.phases as Record<string, { p50_ms: number }>;
    const rows = order.filter((k) => phases[k]).map((k) => [k, phases[k]!.p50_ms] as [string, number]);
    const direct = (t.direct as { p50_ms?: number } | undefined)?.p50_ms;
    writeFileSync(
      join(dir, 'ttff.svg'),
      ttffChart(rows, Number(t.p50_ms), direct ? { directMs: direct, targetMs: 300 } : undefined),
    );
    written.push('ttff.svg');
  }
  return written;
}
