import { createHash } from 'node:crypto';
import type { Signer } from '../../adapters/keys/signer.js';
import { consentTextLines } from '../../privacy/consent-text.js';
import { consentDetail, type Dossier } from './dossier.js';
import { interpreterRole } from './interpreters.js';

export type PhoneInManifest = 'masked' | 'hashed' | 'full';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  kind: string;
  /** How the file must be described in court: native master, working copy, redacted derivative… */
  label: string;
  sessionId: string | null;
  recordingId: string | null;
  evidenceId: string | null;
  createdAt: string | null;
  derivedFrom: string[];
  /** Whose camera a recording's file is: 'caller', 'officer' or 'interpreter'. */
  source?: string;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

/** Session facts for the manifest: what a court needs to know besides the files. */
export function sessionFacts(d: Dossier, phone: PhoneInManifest) {
  const s = d.session;
  const consent = d.audit.filter((a) => a.action === 'consent.accepted' || a.action === 'consent.refused');
  return {
    id: s.id,
    reference: s.reference,
    phone:
      phone === 'full'
        ? s.phone_e164
        : phone === 'hashed'
          ? `sha256:${createHash('sha256').update(s.phone_e164).digest('hex')}`
          : s.phone_masked,
    phoneFormat: phone,
    state: s.state,
    createdAt: iso(s.created_at),
    createdBy: d.createdByName,
    linkOpenedAt: iso(s.opened_at),
    consent: consent.map((a) => ({
      decision: a.action === 'consent.accepted' ? 'accepted' : 'refused',
      at: iso(a.at),
      ...consentDetail(a),
    })),
    /** The words shown before each decision, by version (SHA-256, see docs/privacy/notice.md). */
    consentTexts: [...d.consentTexts].map(([version, t]) => ({
      version,
      language: t.language,
      lines: consentTextLines(t.text),
    })),
    liveAt: iso(s.live_at),
    endedAt: iso(s.ended_at),
    endReason: s.end_reason,
    device: { summary: d.deviceSummary, userAgent: s.caller_user_agent },
    officersWhoViewed: d.viewers.map((v) => ({ ...v, firstViewedAt: iso(v.firstViewedAt) })),
    retention: {
      policyId: s.policy_id,
      classifiedAt: iso(s.classified_at),
      retainUntil: iso(s.retain_until),
      legalHold: s.legal_hold === 1,
    },
    recordings: d.recordings.map((r) => {
      const seals = d.seals.get(r.id) ?? [];
      return {
        id: r.id,
        /** Whose camera: the caller's, the officer's (two-way call) or an interpreter's. */
        source: r.source,
        interpreter: r.interpreter_id ? interpreterFacts(d, r.interpreter_id) : null,
        startedAt: iso(r.started_at),
        endedAt: iso(r.ended_at),
        mediaStartedAt: iso(r.media_started_at),
        videoCodec: r.video_codec,
        state: r.state,
        seals: {
          count: seals.length,
          head: seals.at(-1)?.hash ?? null,
          recovered: seals.some((x) => x.recovered === 1),
        },
      };
    }),
    locationFixes: d.track.length,
  };
}

/** The interpreter whose camera a recording is: id and role always, name only where the package may name them. */
function interpreterFacts(d: Dossier, id: string) {
  const i = d.interpreters.find((x) => x.id === id);
  return { id, role: interpreterRole(i), name: i?.name || null, organisation: i?.organisation || null };
}

/** The incident an incident export was made from (absent from per-session packages). */
export interface IncidentFacts {
  id: string;
  title: string;
  cadReference: string | null;
  createdAt: string;
  createdBy: string;
  closedAt: string | null;
}

export interface ManifestBody {
  format: 'sightline-evidence-manifest/1';
  package: string;
  kind: 'full' | 'sar' | 'session';
  generatedAt: string;
  exportedBy: { id: string; name: string } | null;
  reason: string | null;
  signingKey: { algorithm: 'Ed25519'; fingerprint: string; file: string };
  /** Set for an incident's package: every session of it, a folder each under sessions/. */
  incident?: IncidentFacts;
  sessions: ReturnType<typeof sessionFacts>[];
  files: ManifestFile[];
}

/** Serialises and signs a manifest. The signature covers exactly the bytes of manifest.json. */
export function signManifest(body: ManifestBody, signer: Signer): { json: Buffer; signature: string } {
  const json = Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
  return { json, signature: signer.sign(json) };
}
