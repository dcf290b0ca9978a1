import type { Readable } from 'node:stream';
import type { EvidenceItem, ReceivedFix, Recording } from '@sightline/protocol';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { notFound } from '../lib/errors.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { SessionService } from '../sessions/session.service.js';
import { type EvidenceRepository, toEvidenceItem } from './evidence.repository.js';
import type { EvidenceLedger } from './evidence-ledger.js';
import { toGeoJson } from './location-track.js';

export interface EvidenceEvents {
  /** A session's evidence list changed. */
  updated: (sessionId: string) => void;
}

/**
 * The read side of evidence (lists, playback, download, all audited) and the
 * location track, which is stored when a session ends.
 */
export class EvidenceService extends TypedEmitter<EvidenceEvents> {
  constructor(
    private readonly repo: EvidenceRepository,
    private readonly ledger: EvidenceLedger,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly queue: SerialQueue,
  ) {
    super();
  }

  /** Tells listeners (consoles watching the session) that its evidence changed. */
  changed(sessionId: string): void {
    this.safeEmit('updated', sessionId);
  }

  /** Resolves when every queued evidence task has finished (shutdown and tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async list(sessionId: string): Promise<EvidenceItem[]> {
    return (await this.repo.items(sessionId)).map(toEvidenceItem);
  }

  recordings(sessionId: string): Promise<Recording[]> {
    return this.repo.recordings(sessionId);
  }

  async item(id: string): Promise<EvidenceItem> {
    const row = await this.repo.item(id);
    if (!row) throw notFound('evidence item');
    return toEvidenceItem(row);
  }

  /** Opens an item's bytes (optionally a range) and audits the access. */
  async open(
    id: string,
    range: { start: number; end: number } | null,
    access: { actor: Actor; purpose: 'playback' | 'download'; ip: string | null; audit: boolean },
  ): Promise<{ item: EvidenceItem; stream: Readable; size: number }> {
    const row = await this.repo.item(id);
    if (!row) throw notFound('evidence item');
    const item = toEvidenceItem(row);
    if (item.disposedAt !== null) throw notFound('evidence item (disposed of under the retention policy)');
    if (access.audit) {
      await this.audit.record({
        actor: access.actor,
        action: access.purpose === 'download' ? 'evidence.download' : 'evidence.playback',
        subject: { type: 'evidence', id },
        detail: { sessionId: item.sessionId, fileName: item.fileName, sha256: item.sha256 },
        ip: access.ip,
      });
      if (access.actor.type === 'officer') {
        await this.sessions.addEvent(
          item.sessionId,
          `evidence.${access.purpose}`,
          access.actor.name,
          item.fileName,
        );
      }
    }
    return {
      item,
      stream: await this.ledger.store.read(row.storage_key, range ?? undefined),
      size: item.size,
    };
  }

  /** Saves the session's location track as GeoJSON evidence (once, when the session ends). */
  saveLocationTrack(sessionId: string, track: ReceivedFix[]): Promise<void> {
    return this.queue.run(async () => {
      if (track.length === 0) return;
      const key = `sessions/${sessionId}/location-track.geojson`;
      if (await this.repo.itemByKey(key)) return;
      const bytes = Buffer.from(JSON.stringify(toGeoJson(sessionId, track), null, 1));
      const stored = await this.ledger.storeVerified(key, () => this.ledger.store.putBytes(key, bytes));
      await this.ledger.record(
        {
          sessionId,
          recordingId: null,
          kind: 'location-track',
          fileName: 'location-track.geojson',
          mediaType: 'application/geo+json',
          derivedFrom: [],
          durationMs: null,
        },
        stored,
      );
      await this.sessions.addEvent(
        sessionId,
        'evidence.stored',
        null,
        `location track: ${track.length} fixes`,
      );
      this.changed(sessionId);
    });
  }
}
