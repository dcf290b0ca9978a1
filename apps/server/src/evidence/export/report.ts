import type { ReceivedFix } from '@sightline/protocol';
import type { Dossier } from './dossier.js';
import type { ManifestBody, ManifestFile } from './manifest.js';
import { outcomeTable } from './outcome-report.js';

const esc = (v: unknown) =>
  String(v ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const when = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

/**
 * A map "snapshot" with no tiles: the track drawn to scale (local equirectangular
 * projection) on a plain background, start and end marked, the last accuracy
 * circle and a scale bar. Tiles would need the network and a licence; the
 * geometry is what matters as evidence.
 */
export function trackSvg(track: ReceivedFix[], w = 640, h = 360): string {
  if (track.length === 0) return '<p>No location was received.</p>';
  const lat0 = track.reduce((a, f) => a + f.lat, 0) / track.length;
  const lon0 = track.reduce((a, f) => a + f.lon, 0) / track.length;
  const mPerDegLat = 111_320;
  const mPerDegLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const pts = track.map((f) => ({ x: (f.lon - lon0) * mPerDegLon, y: (f.lat - lat0) * mPerDegLat, f }));
  const last = pts.at(-1)!;
  const span =
    Math.max(60, ...pts.map((p) => Math.abs(p.x)), ...pts.map((p) => Math.abs(p.y)), last.f.accuracy) * 2.4;
  const scale = Math.min(w, h) / span;
  const px = (p: { x: number; y: number }) =>
    `${(w / 2 + p.x * scale).toFixed(1)},${(h / 2 - p.y * scale).toFixed(1)}`;
  const bar = niceLength(span / 4);
  const first = pts[0]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="Location track drawn to scale">
  <rect width="${w}" height="${h}" fill="#f4f4f0" stroke="#999"/>
  <circle cx="${px(last).split(',')[0]}" cy="${px(last).split(',')[1]}" r="${(last.f.accuracy * scale).toFixed(1)}" fill="#c0392b22" stroke="#c0392b"/>
  <polyline points="${pts.map(px).join(' ')}" fill="none" stroke="#1f4e79" stroke-width="2"/>
  <circle cx="${px(first).split(',')[0]}" cy="${px(first).split(',')[1]}" r="5" fill="#2e7d32"/>
  <circle cx="${px(last).split(',')[0]}" cy="${px(last).split(',')[1]}" r="5" fill="#c0392b"/>
  <line x1="20" y1="${h - 20}" x2="${(20 + bar * scale).toFixed(1)}" y2="${h - 20}" stroke="#000" stroke-width="3"/>
  <text x="20" y="${h - 28}" font-size="12" font-family="sans-serif">${bar} m</text>
  <text x="${w - 10}" y="20" font-size="12" font-family="sans-serif" text-anchor="end">N ↑ · start ● green · last ● red, circle = accuracy</text>
</svg>`;
}

function niceLength(m: number): number {
  const p = 10 ** Math.floor(Math.log10(m));
  return [1, 2, 5, 10].map((k) => k * p).find((v) => v >= m) ?? m;
}

/** The readable report that travels with an export: facts, map, timeline, notes and every file's hash. */
export function renderReport(manifest: ManifestBody, dossiers: Dossier[]): string {
  const sessions = dossiers
    .map((d, i) => {
      const facts = manifest.sessions[i]!;
      const files = manifest.files.filter((f) => f.sessionId === d.session.id);
      return `<section>
<h2>Session ${esc(facts.reference ?? facts.id)}</h2>
<table>
<tr><th>Session id</th><td>${esc(facts.id)}</td></tr>
<tr><th>Caller's number</th><td>${esc(facts.phone)} (${esc(facts.phoneFormat)})</td></tr>
<tr><th>Link sent</th><td>${esc(facts.createdAt)} by ${esc(facts.createdBy)}</td></tr>
<tr><th>Link opened</th><td>${esc(facts.linkOpenedAt)} on ${esc(facts.device.summary)}</td></tr>
<tr><th>Consent</th><td>${facts.consent.map((c) => `${esc(c.decision)} at ${esc(c.at)}${c.textVersion ? ` (language ${esc(c.language)}, text ${esc(c.textVersion)})` : ''}`).join('; ') || '—'}</td></tr>
<tr><th>Live / ended</th><td>${esc(facts.liveAt)} / ${esc(facts.endedAt)} (${esc(facts.endReason)})</td></tr>
<tr><th>Officers who watched live</th><td>${facts.officersWhoViewed.map((v) => `${esc(v.name)} (first ${esc(v.firstViewedAt)}, ${v.views}×)`).join('; ') || 'none'}</td></tr>
<tr><th>Recordings</th><td>${facts.recordings.map((r) => `${esc(r.id)} (${esc(recordedBy(r))}): ${esc(r.videoCodec ?? 'audio only')}, ${r.seals.count} seals${r.seals.recovered ? ' (some sealed after a restart)' : ''}`).join('<br>') || 'none'}</td></tr>
</table>
${facts.consentTexts.map((c) => `<h3>Consent text ${esc(c.version)} (${esc(c.language)})</h3>\n<pre class="consent-text">${esc(c.lines.join('\n'))}</pre>`).join('\n')}
<h3>Location (${d.track.length} fixes)</h3>
${trackSvg(d.track)}
<h3>Timeline</h3>
<table><tr><th>Time (UTC)</th><th>Event</th><th>By</th><th>Detail</th></tr>
${d.timeline.map((e) => `<tr><td>${esc(when(e.at))}</td><td>${esc(e.type)}</td><td>${esc(e.actor)}</td><td>${esc(e.detail)}</td></tr>`).join('\n')}
</table>
${d.notes.length ? `<h3>Notes and bookmarks</h3><table><tr><th>At</th><th>Media time</th><th>Kind</th><th>By</th><th>Text</th></tr>${d.notes.map((n) => `<tr><td>${esc(when(Number(n.at)))}</td><td>${n.media_time === null ? '—' : `${Number(n.media_time).toFixed(1)} s`}</td><td>${esc(n.kind)}</td><td>${esc(n.author_name)}</td><td>${esc(n.text)}</td></tr>`).join('')}</table>` : ''}
${manifest.kind === 'full' ? outcomeTable(d.outcomes, esc, when) : ''}
<h3>Files</h3>
${fileTable(files)}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence report ${esc(manifest.package)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:1100px}table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eee}code{font-size:12px;word-break:break-all}h2{border-top:2px solid #1f4e79;padding-top:1rem}</style>
</head><body>
<h1>Evidence report: ${esc(manifest.package)}</h1>
<p>Generated ${esc(manifest.generatedAt)} ${manifest.exportedBy ? `for ${esc(manifest.exportedBy.name)}` : ''}. Reason given: ${esc(manifest.reason)}. Package kind: ${esc(manifest.kind)}.</p>
${manifest.incident ? `<p>Incident: <strong>${esc(manifest.incident.title)}</strong>, CAD reference ${esc(manifest.incident.cadReference)}, opened ${esc(manifest.incident.createdAt)} by ${esc(manifest.incident.createdBy)}${manifest.incident.closedAt ? `, closed ${esc(manifest.incident.closedAt)}` : ''}. ${manifest.sessions.length} caller session(s), one section (and one folder) each.</p>\n` : ''}<p>Signed with key ${esc(manifest.signingKey.fingerprint)} (Ed25519). See VERIFY.txt to check that nothing in this package has changed.</p>
${sessions}
${fileTable(manifest.files.filter((f) => f.sessionId === null))}
</body></html>
`;
}

/** Whose camera a recording is, as the report says it: "caller", "interpreter (BSL): Dana Signer". */
function recordedBy(r: ManifestBody['sessions'][number]['recordings'][number]): string {
  if (!r.interpreter) return r.source;
  return r.interpreter.name ? `${r.interpreter.role}: ${r.interpreter.name}` : r.interpreter.role;
}

function fileTable(files: ManifestFile[]): string {
  if (files.length === 0) return '';
  return `<table><tr><th>File</th><th>What it is</th><th>Bytes</th><th>SHA-256</th></tr>
${files.map((f) => `<tr><td><code>${esc(f.path)}</code></td><td>${esc(f.label)}${f.source ? ` (${esc(f.source)}'s camera)` : ''}</td><td>${f.size}</td><td><code>${esc(f.sha256)}</code></td></tr>`).join('\n')}
</table>`;
}
