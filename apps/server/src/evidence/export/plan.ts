import type { Dossier } from './dossier.js';
import type { PlannedEntry } from './package-writer.js';
import { toGpx, toKml } from './track-formats.js';

export interface EntryMeta {
  path: string;
  kind: string;
  label: string;
  sessionId: string;
  recordingId: string | null;
  evidenceId: string | null;
  createdAt: string | null;
  derivedFrom: string[];
  source?: string;
}

const LABELS: Record<string, string> = {
  master: 'NATIVE MASTER: the recording as the media server wrote it (Janus .mjr, raw RTP); never altered',
  'working-copy': 'WORKING COPY: remuxed from the masters without re-encoding, for viewing; not the master',
  'redacted-copy':
    'REDACTED DERIVATIVE: re-encoded with the redactions in its metadata; derived from the listed masters',
  'location-track': 'Location track (GeoJSON) as stored when the session ended',
  'caller-upload': 'Photo or video the caller sent from their phone, as received (type checked by content)',
  'device-copy':
    'Full-quality recording made on the phone and uploaded in chunks (each chunk hashed on arrival)',
  'aml-message':
    'Network location (AML) message as the mobile network sent it, hashed on arrival (docs/aml.md)',
};

const safe = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40) || 'session';
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const json = (v: unknown) => Buffer.from(`${JSON.stringify(v, null, 1)}\n`);

/**
 * What goes into a package for one session. `full`: everything. `sar` (subject
 * access): only redacted copies and the subject's own location and timeline —
 * never masters or unredacted copies.
 */
export function planSession(
  d: Dossier,
  kind: 'full' | 'sar',
): { entries: PlannedEntry[]; meta: EntryMeta[] } {
  const s = d.session;
  const ref = safe(s.reference ?? 'no-ref');
  const dir = `sessions/${ref}_${s.id.slice(0, 8)}`;
  const entries: PlannedEntry[] = [];
  const meta: EntryMeta[] = [];
  const add = (e: PlannedEntry, m: Omit<EntryMeta, 'path' | 'sessionId'>) => {
    entries.push(e);
    meta.push({ ...m, path: e.path, sessionId: s.id });
  };
  const sources = new Map(d.recordings.map((r) => [r.id, r.source]));
  for (const item of d.items) {
    if (item.disposed_at !== null) continue;
    // A subject-access package never holds masters or unredacted video; caller uploads may show others too.
    if (kind === 'sar' && item.kind !== 'redacted-copy' && item.kind !== 'location-track') continue;
    const rec = item.recording_id ? item.recording_id.slice(0, 8) : 'session';
    const ext = item.file_name.slice(item.file_name.lastIndexOf('.'));
    // Whose camera: the folder and file names say it, so a package of several masters can be told apart.
    const source = sources.get(item.recording_id ?? '');
    const by = source ? `${safe(source)}-` : '';
    const path =
      item.kind === 'master'
        ? `${dir}/masters/${by}${item.recording_id}/${item.file_name}`
        : item.kind === 'working-copy'
          ? `${dir}/working-copies/WORKING-COPY_${ref}_${by}${rec}${ext}`
          : item.kind === 'redacted-copy'
            ? `${dir}/redacted/${item.file_name}`
            : item.kind === 'caller-upload'
              ? `${dir}/caller-uploads/${item.file_name}`
              : item.kind === 'device-copy'
                ? `${dir}/device-copies/${item.file_name}`
                : `${dir}/location/${item.file_name}`;
    add(
      { path, from: 'store', key: item.storage_key, sha256: item.sha256, size: Number(item.size) },
      {
        kind: item.kind,
        label: LABELS[item.kind] ?? item.kind,
        recordingId: item.recording_id,
        evidenceId: item.id,
        createdAt: iso(item.created_at),
        derivedFrom: JSON.parse(item.derived_from) as string[],
        ...(source ? { source } : {}),
      },
    );
  }
  const generated = (
    path: string,
    bytes: Buffer,
    k: string,
    label: string,
    recordingId: string | null = null,
  ) =>
    add(
      { path: `${dir}/${path}`, from: 'bytes', bytes },
      { kind: k, label, recordingId, evidenceId: null, createdAt: null, derivedFrom: [] },
    );
  const name = s.reference ?? s.id;
  if (d.track.length > 0) {
    generated(
      'location/track.gpx',
      Buffer.from(toGpx(name, d.track)),
      'location-gpx',
      'Location track as GPX, converted from the stored fixes',
    );
    generated(
      'location/track.kml',
      Buffer.from(toKml(name, d.track)),
      'location-kml',
      'Location track as KML, converted from the stored fixes',
    );
  }
  if (kind === 'full') {
    for (const [recordingId, seals] of d.seals) {
      const lines = seals.map((x) =>
        JSON.stringify({
          recordingId,
          seq: x.seq,
          fileName: x.file_name,
          offset: Number(x.offset),
          prefixSha256: x.prefix_sha256,
          at: Number(x.at),
          recovered: x.recovered === 1,
          prevHash: x.prev_hash,
          hash: x.hash,
        }),
      );
      generated(
        `seals/${recordingId}.jsonl`,
        Buffer.from(`${lines.join('\n')}\n`),
        'seals',
        'Seal chain written while the recording arrived (sightline-seal/1)',
        recordingId,
      );
    }
    generated(
      'events/notes.json',
      json(
        d.notes.map((n) => ({
          at: iso(n.at),
          mediaTime: n.media_time,
          recordingId: n.recording_id,
          kind: n.kind,
          text: n.text,
          author: n.author_name,
        })),
      ),
      'notes',
      'Officers’ notes and bookmarks',
    );
    if (d.outcomes.length > 0)
      generated(
        'events/outcomes.json',
        json(
          d.outcomes.map((o) => ({
            id: o.id,
            recordedAt: iso(o.recordedAt),
            recordedBy: o.recordedBy.name,
            record: o.record,
            supersedes: o.supersedes,
            correctionReason: o.correctionReason,
            supersededBy: o.supersededBy,
          })),
        ),
        'outcomes',
        'Structured outcomes (triage, bail checks, missing persons); corrections supersede, never replace',
      );
  }
  generated(
    'events/timeline.json',
    json(d.timeline.map((e) => ({ ...e, at: iso(e.at) }))),
    'timeline',
    'Session timeline',
  );
  generated(
    'events/chat.json',
    json({
      messages: d.messages.map((m) => ({
        seq: m.seq,
        from: m.sender,
        officer: m.officer_name,
        text: m.text,
        sentAt: iso(m.sent_at),
        receivedAt: iso(m.received_at),
        deliveredAt: iso(m.delivered_at),
        readAt: iso(m.read_at),
      })),
    }),
    'chat',
    'Text chat between caller and officers',
  );
  return { entries, meta };
}
