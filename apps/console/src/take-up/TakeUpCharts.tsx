import type { TakeUpReport } from '@sightline/protocol';
import { funnelBars, niceMax, percent, teamName, trendBars } from './take-up-model.js';

const BLUE = '#1d4f91';
const LIGHT = '#6a8fc4';

/**
 * Per team, a bar for each step from text to live, as a share of the links sent. Drawn as SVG
 * in React (no chart library in the console); the tables below hold the same numbers.
 */
export function FunnelChart({ teams }: { teams: TakeUpReport['byTeam'] }) {
  const label = 118;
  const width = 520;
  const barH = 14;
  const groupH = 5 * (barH + 4) + 26;
  const inner = width - label - 70;
  if (teams.length === 0) return <p className="muted">No links sent in this range: no bars to show.</p>;
  return (
    <svg
      className="take-up-chart"
      viewBox={`0 0 ${width} ${Math.max(groupH * teams.length, 30)}`}
      role="img"
      aria-labelledby="funnel-title"
      data-testid="funnel-chart"
    >
      <title id="funnel-title">
        Bar chart per team: links sent, delivered, opened, consented and live, as a share of the links sent.
        The table "By team" has the same numbers.
      </title>
      {teams.map((t, i) => (
        <g key={teamName(t.team)} transform={`translate(0 ${i * groupH})`}>
          <text x={0} y={14} fontSize="13" fontWeight="600" fill="#1b1f24">
            {teamName(t.team)}
          </text>
          {funnelBars(t).map((b, j) => {
            const y = 22 + j * (barH + 4);
            return (
              <g key={b.label}>
                <text x={label - 6} y={y + barH - 3} fontSize="11" textAnchor="end" fill="#1b1f24">
                  {b.label}
                </text>
                <rect x={label} y={y} width={inner} height={barH} fill="#e6ebf2" />
                <rect
                  x={label}
                  y={y}
                  width={inner * b.fraction}
                  height={barH}
                  fill={j === 4 ? BLUE : LIGHT}
                />
                <text x={label + inner + 6} y={y + barH - 3} fontSize="11" fill="#1b1f24">
                  {b.value} ({percent(b.value, t.sent)})
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

/** Per period, links sent beside those that went live. */
export function TrendChart({ periods }: { periods: TakeUpReport['byPeriod'] }) {
  // Drawing area 0..height under a margin for the top label; at least as wide as the funnel.
  const top = 12;
  const height = 150;
  const left = 34;
  const bottom = 24;
  const slot = 44;
  const bars = trendBars(periods);
  const width = Math.max(left + bars.length * slot + 10, 520);
  const max = niceMax(bars.map((p) => p.sent));
  const y = (v: number) => top + height - (v / max) * height;
  return (
    <svg
      className="take-up-chart"
      viewBox={`0 0 ${width} ${top + height + bottom}`}
      role="img"
      aria-labelledby="trend-title"
      data-testid="trend-chart"
    >
      <title id="trend-title">
        Bar chart per period: links sent (light) and sessions that went live (dark). Over a long range each
        bar sums several periods, labelled by the first. The table "By period" has every period's numbers.
      </title>
      {[0, max / 2, max].map((v) => (
        <g key={v}>
          <line x1={left} x2={width} y1={y(v)} y2={y(v)} stroke="#d5dbe3" />
          <text x={left - 4} y={y(v) + 4} fontSize="10" textAnchor="end" fill="#1b1f24">
            {v}
          </text>
        </g>
      ))}
      {bars.map((p, i) => {
        const x = left + i * slot + 6;
        return (
          <g key={p.label}>
            <rect x={x} y={y(p.sent)} width={14} height={y(0) - y(p.sent)} fill={LIGHT} />
            <rect x={x + 16} y={y(p.live)} width={14} height={y(0) - y(p.live)} fill={BLUE} />
            <text x={x + 15} y={y(0) + 14} fontSize="9" textAnchor="middle" fill="#1b1f24">
              {p.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
