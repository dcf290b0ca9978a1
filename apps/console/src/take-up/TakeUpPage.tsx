import type { ReportPeriod, TakeUpFigures } from '@sightline/protocol';
import { useEffect, useMemo } from 'react';
import { useApp } from '../app/context.js';
import { usePageTitle } from '../app/use-page-title.js';
import { useStore } from '../lib/use-store.js';
import { FunnelChart, TrendChart } from './TakeUpCharts.js';
import {
  csvHref,
  defaultQuery,
  FAILURE_LABELS,
  formatDuration,
  MODE_LABELS,
  PERIOD_LABELS,
  percent,
  teamName,
} from './take-up-model.js';
import { TakeUpStore } from './take-up-store.js';

const FAILURES = Object.keys(FAILURE_LABELS) as Array<keyof TakeUpFigures['failures']>;

/** The counts of one row, in the tables' column order. */
function Cells({ f }: { f: TakeUpFigures }) {
  return (
    <>
      <td>{f.sent}</td>
      <td>{f.delivered}</td>
      <td>{f.opened}</td>
      <td>{f.consented}</td>
      <td>{f.refused}</td>
      <td>
        {f.live} <span className="muted">({percent(f.live, f.sent)})</span>
      </td>
      <td>{formatDuration(f.sendToLiveMedianMs)}</td>
      <td>{formatDuration(f.sendToLiveP90Ms)}</td>
      {FAILURES.map((k) => (
        <td key={k}>{f.failures[k]}</td>
      ))}
      <td>
        {f.feedback.yes} / {f.feedback.no} / {f.feedback.unsure}
      </td>
    </>
  );
}

function Heads({ first }: { first: string[] }) {
  return (
    <tr>
      {first.map((h) => (
        <th key={h} scope="col">
          {h}
        </th>
      ))}
      {['Sent', 'Delivered', 'Opened', 'Consented', 'Refused', 'Live', 'Median to live', '90% within'].map(
        (h) => (
          <th key={h} scope="col">
            {h}
          </th>
        ),
      )}
      {FAILURES.map((k) => (
        <th key={k} scope="col">
          {FAILURE_LABELS[k]}
        </th>
      ))}
      <th scope="col">Helped: yes / no / not sure</th>
    </tr>
  );
}

/** A table that scrolls sideways on a narrow screen; the keyboard can reach it to scroll. */
function Scroll({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the table scrolls and holds no controls; a keyboard must reach it to scroll (WCAG 2.1.1).
    <section className="table-wrap table-scroll" aria-label={label} tabIndex={0}>
      <table className="table take-up-table">{children}</table>
    </section>
  );
}

/**
 * Supervisors' take-up report: how many links were sent, delivered, opened, consented to and
 * went live, how fast, why callers could not take part, and what they said afterwards.
 */
export function TakeUpPage() {
  const { api } = useApp();
  usePageTitle('Take-up');
  const store = useMemo(() => new TakeUpStore((q) => api.takeUpReport(q), defaultQuery(Date.now())), [api]);
  const { query, status, report, error } = useStore(store);
  useEffect(() => {
    void store.fetch();
  }, [store]);

  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>Take-up</h1>
      <p>
        Links sent in the chosen days (UTC), and what became of them, from the session records and their
        timelines. Callers' comments may name someone: every load of this page and every CSV download is
        recorded in the audit trail.
      </p>
      <form
        className="take-up-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void store.fetch();
        }}
      >
        {(['from', 'to'] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`take-up-${field}`}>{field === 'from' ? 'From' : 'To'}</label>
            <input
              id={`take-up-${field}`}
              type="date"
              value={query[field]}
              onChange={(e) => store.setDate(field, e.target.value)}
            />
          </div>
        ))}
        <div className="field">
          <label htmlFor="take-up-period">Per</label>
          <select
            id="take-up-period"
            value={query.period}
            onChange={(e) => store.setPeriod(e.target.value as ReportPeriod)}
          >
            {(Object.keys(PERIOD_LABELS) as ReportPeriod[]).map((p) => (
              <option key={p} value={p}>
                {PERIOD_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={status === 'loading'}>
          Show
        </button>
        {/* The CSV of the report shown, not of dates typed but not yet submitted. */}
        {report ? (
          <a className="btn btn-secondary" href={csvHref(report)} download data-testid="take-up-csv">
            Download CSV
          </a>
        ) : null}
      </form>
      {status === 'error' ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {status === 'loading' && !report ? <p className="muted">Loading…</p> : null}
      {report ? (
        <>
          <p role="status" data-testid="take-up-summary">
            {report.total.sent} {report.total.sent === 1 ? 'link' : 'links'} sent from {report.from} to{' '}
            {report.to}; {report.total.live} went live ({percent(report.total.live, report.total.sent)}).
            Median time from sending to live: {formatDuration(report.total.sendToLiveMedianMs)}.
          </p>
          <div className="take-up-charts">
            <section aria-labelledby="funnel-heading">
              <h2 id="funnel-heading">From text to live, by team</h2>
              <FunnelChart teams={report.byTeam} />
            </section>
            <section aria-labelledby="trend-heading">
              <h2 id="trend-heading">Sent and live, by {PERIOD_LABELS[report.period].toLowerCase()}</h2>
              <TrendChart periods={report.byPeriod} />
              <p className="muted">Light bars: links sent. Dark bars: went live.</p>
            </section>
          </div>
          <h2>By team</h2>
          <Scroll label="By team">
            <thead>
              <Heads first={['Team']} />
            </thead>
            <tbody>
              {report.byTeam.map((t) => (
                <tr key={teamName(t.team)}>
                  <th scope="row">{teamName(t.team)}</th>
                  <Cells f={t} />
                </tr>
              ))}
            </tbody>
          </Scroll>
          <h2>By period</h2>
          <Scroll label="By period, team and link type">
            <thead>
              <Heads first={['Period from', 'Team', 'Link']} />
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={`${r.period}|${teamName(r.team)}|${r.mode}`} data-testid="take-up-row">
                  <th scope="row">{r.period}</th>
                  <td>{teamName(r.team)}</td>
                  <td>{MODE_LABELS[r.mode]}</td>
                  <Cells f={r} />
                </tr>
              ))}
            </tbody>
          </Scroll>
          <h2>What callers said</h2>
          <p data-testid="take-up-feedback">
            Did this help? Yes {report.total.feedback.yes}, no {report.total.feedback.no}, not sure{' '}
            {report.total.feedback.unsure}.
          </p>
          {report.comments.length === 0 ? (
            <p className="muted">
              No comments in this period (comments are erased after the retention period).
            </p>
          ) : (
            <ul className="take-up-comments" aria-label="Callers' comments">
              {report.comments.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: comments have no id on purpose (anonymous).
                <li key={i} data-testid="take-up-comment">
                  <p lang={c.language} dir="auto">
                    {c.text}
                  </p>
                  <p className="muted">
                    {c.answer === 'yes' ? 'Helped' : c.answer === 'no' ? 'Did not help' : 'Not sure'} ·{' '}
                    {teamName(c.team)} · {MODE_LABELS[c.mode]} · period from {c.period}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </main>
  );
}
