import type { Db } from '../../adapters/db/database.js';
import type { SigningKeys } from '../../adapters/keys/signer.js';
import type { Actor, AuditService } from '../../audit/audit.service.js';
import { type Dossier, loadDossier } from './dossier.js';
import { type ManifestBody, type PhoneInManifest, sessionFacts, signManifest } from './manifest.js';

/** Whose camera a recording's file is ('caller', 'officer', 'interpreter'); nothing for other files. */
function sourceOf(d: Dossier, recordingId: string | null): { source?: string } {
  const r = recordingId ? d.recordings.find((x) => x.id === recordingId) : undefined;
  return r ? { source: r.source } : {};
}

/** A session's signed evidence manifest, built on request: every stored artifact and the session facts. */
export class SessionManifests {
  constructor(
    private readonly db: Db,
    private readonly signer: SigningKeys,
    private readonly audit: AuditService,
    private readonly phone: PhoneInManifest,
  ) {}

  async signedFor(sessionId: string, actor: Actor, ip: string | null) {
    const d = await loadDossier(this.db, sessionId);
    const key = this.signer.current();
    const body: ManifestBody = {
      format: 'sightline-evidence-manifest/1',
      package: `session-${sessionId}`,
      kind: 'session',
      generatedAt: new Date().toISOString(),
      exportedBy: actor.type === 'officer' ? { id: actor.id, name: actor.name } : null,
      reason: null,
      signingKey: { algorithm: 'Ed25519', fingerprint: key.fingerprint, file: 'signing-key.pub.pem' },
      sessions: [sessionFacts(d, this.phone)],
      files: d.items.map((i) => ({
        path: i.storage_key,
        sha256: i.sha256,
        size: Number(i.size),
        kind: i.kind,
        label:
          i.disposed_at === null
            ? i.kind
            : `${i.kind} (disposed of ${new Date(Number(i.disposed_at)).toISOString()}; hash kept)`,
        sessionId,
        recordingId: i.recording_id,
        evidenceId: i.id,
        createdAt: new Date(Number(i.created_at)).toISOString(),
        derivedFrom: JSON.parse(i.derived_from) as string[],
        ...sourceOf(d, i.recording_id),
      })),
    };
    const { json, signature } = signManifest(body, key);
    await this.audit.record({
      actor,
      action: 'manifest.read',
      subject: { type: 'session', id: sessionId },
      ip,
    });
    return {
      manifestJson: json.toString('utf8'),
      manifest: JSON.parse(json.toString('utf8')) as Record<string, unknown>,
      signature,
      publicKeyPem: key.publicKeyPem,
      fingerprint: key.fingerprint,
    };
  }
}
