import type { OfficerExposure, WellbeingThresholds } from '@sightline/protocol';
import { useId } from 'react';
import { formatDateTime } from '../lib/format.js';
import { chartGeometry, flagText, formatMinutes, officerFlags, shiftLabel } from './wellbeing-model.js';

/**
 * One officer's exposure: flags in words, a bar per shift (show, don't tell), and the same
 * numbers in a table for anyone who cannot see the chart.
 */
export function OfficerExposureCard({
  officer,
  thresholds,
  heading,
}: {
  officer: OfficerExposure;
  thresholds: WellbeingThresholds;
  /** The card's heading level text; the wellbeing view names the officer, the account page says "You". */
  heading: string;
}) {
  const id = useId();
  const flags = officerFlags(officer);
  const liveMs = officer.shifts.reduce((n, s) => n + s.liveMs, 0);
  const recordedMs = officer.shifts.reduce((n, s) => n + s.recordedMs, 0);
  const marks = officer.shifts.flatMap((s) => s.marks);
  return (
    <li
      className={`wellbeing-officer${flags.length ? ' is-flagged' : ''}`}
      data-testid="wellbeing-officer"
      data-officer-id={officer.officerId}
      data-live-ms={liveMs}
      data-recorded-ms={recordedMs}
      data-marks={marks.length}
      data-flags={flags.join(' ')}
      aria-labelledby={`${id}-name`}
    >
      <div className="wellbeing-head">
        <h2 id={`${id}-name`}>{heading}</h2>
        <span>
          Live video seen clearly: <strong>{formatMinutes(liveMs)}</strong>
        </span>
        <span>
          Recordings: <strong>{formatMinutes(recordedMs)}</strong>
        </span>
        <span>
          Marked distressing: <strong>{marks.length}</strong>
        </span>
        {flags.map((f) => (
          <span key={f} className="wellbeing-flag" data-testid="wellbeing-flag">
            Over threshold: {flagText(f, thresholds)} in a shift
          </span>
        ))}
      </div>
      <ExposureChart officer={officer} thresholds={thresholds} labelId={`${id}-name`} />
      <table className="exposure-table">
        <caption className="visually-hidden">{heading}: exposure per shift</caption>
        <thead>
          <tr>
            <th scope="col">Shift</th>
            <th scope="col">Live, clear</th>
            <th scope="col">Recordings, clear</th>
            <th scope="col">Distressing</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {officer.shifts.map((s) => (
            <tr key={s.start} data-testid="wellbeing-shift">
              <th scope="row">{shiftLabel(s)}</th>
              <td className="num">{formatMinutes(s.liveMs)}</td>
              <td className="num">{formatMinutes(s.recordedMs)}</td>
              <td>
                {s.marks.length === 0
                  ? '—'
                  : s.marks.map((m) => (
                      <div key={m.id} data-testid="wellbeing-mark">
                        {formatDateTime(m.at)} ({m.kind === 'live' ? 'live' : 'recording'})
                        {m.note ? `: “${m.note}”` : ''}
                      </div>
                    ))}
              </td>
              <td>{s.flags.length ? s.flags.map((f) => flagText(f, thresholds)).join('; ') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </li>
  );
}

function ExposureChart({
  officer,
  thresholds,
  labelId,
}: {
  officer: OfficerExposure;
  thresholds: WellbeingThresholds;
  labelId: string;
}) {
  const g = chartGeometry(officer.shifts, thresholds);
  const bottom = 16;
  return (
    <>
      <svg
        className="exposure-chart"
        viewBox={`0 0 ${g.width} ${g.height + bottom}`}
        role="img"
        aria-labelledby={`${labelId}-chart`}
        data-testid="exposure-chart"
      >
        <title id={`${labelId}-chart`}>
          Bar chart: minutes seen clearly per shift, live video below and recordings above, against the live
          video threshold of {thresholds.liveMinutes} minutes. The table below has the same numbers.
        </title>
        <line x1={0} x2={g.width} y1={g.height} y2={g.height} stroke="#aab3bf" />
        {g.bars.map((b, i) => (
          <g key={officer.shifts[i]!.start}>
            <rect x={b.x} y={b.liveTop} width={g.barWidth} height={b.liveHeight} fill="#1d4f91" />
            <rect x={b.x} y={b.recordedTop} width={g.barWidth} height={b.recordedHeight} fill="#6a8fc4" />
            {b.marks > 0 ? (
              <text
                x={b.x + g.barWidth / 2}
                y={g.height + 12}
                textAnchor="middle"
                fontSize="10"
                fill="#b3261e"
              >
                ! {b.marks}
              </text>
            ) : null}
          </g>
        ))}
        <line
          x1={0}
          x2={g.width}
          y1={g.thresholdY}
          y2={g.thresholdY}
          stroke="#b3261e"
          strokeWidth={1.5}
          strokeDasharray="4 3"
        />
      </svg>
      <ul className="exposure-legend" aria-hidden="true">
        <li>
          <span className="legend-swatch swatch-live" />
          Live video, clear
        </li>
        <li>
          <span className="legend-swatch swatch-recorded" />
          Recordings, clear
        </li>
        <li>
          <span className="legend-swatch swatch-threshold" />
          Live threshold ({thresholds.liveMinutes} min a shift)
        </li>
        <li>! Distressing marks</li>
      </ul>
    </>
  );
}
