import { OUTCOME_LABELS, type Outcome, type OutcomeRecord } from '@sightline/protocol';

type Esc = (v: unknown) => string;

/** One record's particulars as report text. */
function particulars(r: OutcomeRecord): string {
  switch (r.kind) {
    case 'triage':
      return `${OUTCOME_LABELS[r.decision]}. Reason: ${r.reason}${r.followUp ? `. Follow-up: ${r.followUp.action} by ${r.followUp.due}` : ''}`;
    case 'bail-check': {
      const at = r.location
        ? `${r.location.lat.toFixed(6)}, ${r.location.lon.toFixed(6)} ±${Math.round(r.location.accuracy)} m, fix ${Math.round(r.location.ageMs / 1000)} s old`
        : 'no position fix';
      return `${r.subject}: ${OUTCOME_LABELS[r.condition]} (${r.conditionDetail}). Result: ${OUTCOME_LABELS[r.result]}. Identity confirmed: ${OUTCOME_LABELS[r.identity.method]}${r.identity.detail ? ` (${r.identity.detail})` : ''}. Location at the result: ${at}${r.notes ? `. Notes: ${r.notes}` : ''}`;
    }
    case 'missing-person':
      return `${OUTCOME_LABELS[r.status]}. Reason: ${r.reason}`;
  }
}

/** The report's outcomes table: every record, corrections and what they superseded included. */
export function outcomeTable(outcomes: Outcome[], esc: Esc, when: (ms: number) => string): string {
  if (outcomes.length === 0) return '';
  const rows = outcomes.map((o) => {
    const status = o.supersededBy
      ? `superseded by ${o.supersededBy.slice(0, 8)}`
      : o.supersedes
        ? `corrects ${o.supersedes.slice(0, 8)}: ${o.correctionReason ?? ''}`
        : 'standing';
    return `<tr><td>${esc(when(o.recordedAt))}</td><td>${esc(o.id.slice(0, 8))}</td><td>${esc(o.record.kind)}</td><td>${esc(o.recordedBy.name)}</td><td>${esc(particulars(o.record))}</td><td>${esc(status)}</td></tr>`;
  });
  return `<h3>Outcomes</h3><table><tr><th>Recorded</th><th>Id</th><th>Workflow</th><th>By</th><th>Record</th><th>Status</th></tr>${rows.join('')}</table>`;
}
