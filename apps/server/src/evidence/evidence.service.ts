import type { Readable } from 'node:stream';
import type { EvidenceItem, EvidenceViewing, ReceivedFix, Recording } from '@sightline/protocol';
import type { StoredObject } from '../adapters/storage/evidence-store.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import type { SessionService } from '../sessions/session.service.js';
import { type EvidenceRepository, toEvidenceItem } from './evidence.repository.js';
import type { EvidenceLedger } from './evidence-ledger.js';
import type { EvidenceViewings } from './evidence-viewings.js';
import { toGeoJson } from './location-track.js';

/**
 * The read side of evidence (lists, playback, download, all audited) and the
 * location track, which is stored when a session ends.
 */
export class EvidenceService {
  constructor(
    private readonly repo: EvidenceRepository,
    private readonly ledger: EvidenceLedger,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly queue: SerialQueue,
    private readonly viewings: EvidenceViewings,
    private readonly events: EventPublisher,
  ) {}

  /** Tells consoles watching the session, on any instance, that its evidence changed. */
  changed(sessionId: string): void {
    this.events.publish('evidence.updated', { sessionId });
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

  /**
   * Starts (or, within a minute, returns) an officer's viewing of an item: the one
   * audit entry for a playback, however many range requests the player makes.
   */
  async startViewing(
    id: string,
    actor: Actor & { type: 'officer' },
    ip: string | null,
  ): Promise<EvidenceViewing> {
    const { item } = await this.readable(id);
    const recent = await this.viewings.recent(id, actor.id);
    const v = recent ?? this.viewings.plan(id, actor.id, item.durationMs);
    if (!recent) {
      // Audited first: a viewing that any instance honours must never exist without its entry.
      await this.audit.record({
        actor,
        action: 'evidence.playback',
        subject: { type: 'evidence', id },
        detail: {
          sessionId: item.sessionId,
          fileName: item.fileName,
          sha256: item.sha256,
          viewingId: v.id,
          expiresAt: v.expiresAt,
        },
        ip,
      });
      await this.viewings.save(v);
      await this.sessions.addEvent(item.sessionId, 'evidence.playback', actor.name, item.fileName);
    }
    return {
      viewingId: v.id,
      itemId: id,
      expiresAt: v.expiresAt,
      url: `/api/evidence/${id}/content?viewing=${v.id}`,
    };
  }

  /**
   * Opens an item's bytes (optionally a range). Playback is served only within the
   * officer's live viewing (audited when it started); a download is audited on
   * every request, with its range.
   */
  async open(
    id: string,
    range: { start: number; end: number } | null,
    access:
      | { purpose: 'playback'; actor: Actor & { type: 'officer' }; viewingId: string }
      | { purpose: 'download'; actor: Actor; ip: string | null },
  ): Promise<{ item: EvidenceItem; stream: Readable; size: number }> {
    const { item, storageKey } = await this.readable(id);
    if (access.purpose === 'playback') {
      await this.viewings.check(access.viewingId, id, access.actor.id);
    } else {
      await this.audit.record({
        actor: access.actor,
        action: 'evidence.download',
        subject: { type: 'evidence', id },
        detail: { sessionId: item.sessionId, fileName: item.fileName, sha256: item.sha256, range },
        ip: access.ip,
      });
      if (access.actor.type === 'officer') {
        await this.sessions.addEvent(item.sessionId, 'evidence.download', access.actor.name, item.fileName);
      }
    }
    return {
      item,
      stream: await this.ledger.store.read(storageKey, range ?? undefined),
      size: item.size,
    };
  }

  /** The item, if it exists and has not been disposed of. */
  private async readable(id: string): Promise<{ item: EvidenceItem; storageKey: string }> {
    const row = await this.repo.item(id);
    if (!row) throw notFound('evidence item');
    const item = toEvidenceItem(row);
    if (item.disposedAt !== null) throw notFound('evidence item (disposed of under the retention policy)');
    return { item, storageKey: row.storage_key };
  }

  /**
   * Stores the location track of every ended session that lacks one (at start, and when the
   * evidence store takes writes again). Returns how many it stored.
   */
  async saveMissingLocationTracks(track: (sessionId: string) => Promise<ReceivedFix[]>): Promise<number> {
    let saved = 0;
    const failed: unknown[] = [];
    // One session's failure (another instance storing the same track) does not hold up the rest.
    for (const sessionId of await this.repo.sessionsMissingLocationTrack()) {
      try {
        await this.saveLocationTrack(sessionId, await track(sessionId));
        saved++;
      } catch (err) {
        failed.push(err);
      }
    }
    if (failed.length) throw new AggregateError(failed, `${failed.length} location tracks not stored`);
    return saved;
  }

  /** Saves the session's location track as GeoJSON evidence (once, when the session ends). */
  saveLocationTrack(sessionId: string, track: ReceivedFix[]): Promise<void> {
    return this.queue.run(async () => {
      if (track.length === 0) return;
      const key = `sessions/${sessionId}/location-track.geojson`;
      if (await this.repo.itemByKey(key)) return;
      const bytes = Buffer.from(JSON.stringify(toGeoJson(sessionId, track), null, 1));
      let stored: StoredObject;
      try {
        stored = await this.ledger.storeVerified(key, () => this.ledger.store.putBytes(key, bytes));
      } catch (err) {
        // The fixes stay in the database: `saveMissingLocationTracks` stores the track later.
        if (err instanceof DomainError && err.code === 'storage_unavailable')
          await this.sessions.addEvent(
            sessionId,
            'evidence.store_failed',
            null,
            'location track kept; will retry when storage takes writes again',
          );
        throw err;
      }
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
