import type { TakeUpReport } from '@sightline/protocol';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * A text field starting with = + - @ (or a tab/CR) is prefixed with ' so a spreadsheet shows it
 * rather than running it as a formula (OWASP "CSV injection"); numbers are written as they are.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows to CSV text, CRLF line ends as RFC 4180 asks. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

const HEADER = [
  'period',
  'team',
  'mode',
  'sent',
  'delivered',
  'opened',
  'consented',
  'refused',
  'live',
  'send_to_live_median_s',
  'send_to_live_p90_s',
  'failed_in_app_browser',
  'failed_camera_denied',
  'failed_no_webrtc',
  'failed_network',
  'feedback_yes',
  'feedback_no',
  'feedback_unsure',
];

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

/** The report's rows (period × team × mode) as CSV; an empty team is "no team". No free texts. */
export function takeUpCsv(report: TakeUpReport): string {
  return toCsv([
    HEADER,
    ...report.rows.map((r) => [
      r.period,
      r.team,
      r.mode,
      r.sent,
      r.delivered,
      r.opened,
      r.consented,
      r.refused,
      r.live,
      seconds(r.sendToLiveMedianMs),
      seconds(r.sendToLiveP90Ms),
      r.failures.inAppBrowser,
      r.failures.cameraDenied,
      r.failures.noWebrtc,
      r.failures.network,
      r.feedback.yes,
      r.feedback.no,
      r.feedback.unsure,
    ]),
  ]);
}
