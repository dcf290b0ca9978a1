import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { EvidenceItem, EvidenceKind, ReceivedFix } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { MediaTools, MjrHeader } from '../adapters/media-tools/media-tools.js';
import type { Random } from '../adapters/random.js';
import type { EvidenceStore, StoredObject } from '../adapters/storage/evidence-store.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import { notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { SessionService } from '../sessions/session.service.js';
import { type EvidenceRepository, type RecordingRow, toEvidenceItem } from './evidence.repository.js';
import { toGeoJson } from './location-track.js';

export interface EvidenceEvents {
  /** A session's evidence list changed. */
  updated: (sessionId: string) => void;
}

export interface EvidencePaths {
  /** Janus writes recordings here, one folder per session. */
  spoolDir: string;
  /** Scratch space for conversions. */
  workDir: string;
}

interface Master {
  spoolPath: string;
  name: string;
  header: MjrHeader | null;
  stored: StoredObject;
}

const MJR_TYPE = 'application/x-janus-mjr';
/** How long to wait for Janus to close a recording after the publisher left. */
const CLOSE_WAIT_MS = 20_000;

/**
 * Turns what Janus recorded into evidence: stores each native .mjr master
 * unaltered with its SHA-256, remuxes a working copy without transcoding, and
 * saves the location track. Ingests run one at a time so a burst of ended
 * calls cannot starve live media of CPU.
 */
export class EvidenceService extends TypedEmitter<EvidenceEvents> {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: EvidenceRepository,
    private readonly store: EvidenceStore,
    private readonly tools: MediaTools,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly paths: EvidencePaths,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Folder Janus should record a session into. */
  spoolFor(sessionId: string): string {
    return join(this.paths.spoolDir, sessionId);
  }

  /**
   * Registers a new recording. The id and file base are known at once (Janus needs
   * the base now); `saved` resolves when the row is committed.
   */
  beginRecording(sessionId: string): { recordingId: string; fileBase: string; saved: Promise<void> } {
    const recordingId = this.random.id();
    const fileBase = `rec-${recordingId}`;
    const saved = this.repo.insertRecording({
      id: recordingId,
      session_id: sessionId,
      file_base: fileBase,
      started_at: this.clock.now(),
      ended_at: null,
      state: 'recording',
      video_codec: null,
      error: null,
    });
    return { recordingId, fileBase, saved };
  }

  /**
   * The publisher left: queue the recording for ingest. `writerGone` means Janus
   * itself died, so files still named .mjr.tmp will never be closed and are final.
   */
  finishRecording(recordingId: string, writerGone: boolean): Promise<void> {
    return this.enqueue(async () => {
      await this.repo.setRecording(recordingId, { ended_at: this.clock.now() });
      await this.ingest(recordingId, writerGone);
    });
  }

  /** After a restart: ingest anything a previous run left unfinished. Janus was restarted too, so open files are final. */
  async recoverUnfinished(): Promise<number> {
    const rows = await this.repo.unfinishedRecordings();
    for (const row of rows) {
      this.log.warn(
        { recordingId: row.id, sessionId: row.session_id },
        'evidence: recovering unfinished recording',
      );
      void this.enqueue(() => this.ingest(row.id, true));
    }
    return rows.length;
  }

  /** Resolves when every queued ingest has finished (for shutdown and tests). */
  idle(): Promise<void> {
    return this.#queue.then(() => undefined);
  }

  async list(sessionId: string): Promise<EvidenceItem[]> {
    return (await this.repo.items(sessionId)).map(toEvidenceItem);
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
    return { item, stream: await this.store.read(row.storage_key, range ?? undefined), size: item.size };
  }

  /** Saves the session's location track as GeoJSON evidence (once, when the session ends). */
  saveLocationTrack(sessionId: string, track: ReceivedFix[]): Promise<void> {
    return this.enqueue(async () => {
      if (track.length === 0) return;
      const key = `sessions/${sessionId}/location-track.geojson`;
      if (await this.repo.itemByKey(key)) return;
      const bytes = Buffer.from(JSON.stringify(toGeoJson(sessionId, track), null, 1));
      const stored = await this.storeVerified(key, () => this.store.putBytes(key, bytes));
      await this.record(
        sessionId,
        null,
        'location-track',
        'location-track.geojson',
        'application/geo+json',
        stored,
        [],
        null,
      );
      await this.sessions.addEvent(
        sessionId,
        'evidence.stored',
        null,
        `location track: ${track.length} fixes`,
      );
      this.safeEmit('updated', sessionId);
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch((err: unknown) => this.log.error({ err }, 'evidence: task failed'));
    return run;
  }

  private async ingest(recordingId: string, writerGone: boolean): Promise<void> {
    const rec = await this.repo.recording(recordingId);
    if (!rec || rec.state === 'stored' || rec.state === 'empty') return;
    await this.repo.setRecording(recordingId, { state: 'ingesting' });
    const files = await this.waitForClosedFiles(rec, writerGone);
    if (files.length === 0) {
      await this.repo.setRecording(recordingId, { state: 'empty' });
      await this.sessions.addEvent(rec.session_id, 'recording.empty', null, 'no media reached the server');
      return;
    }
    let masters: Master[];
    try {
      masters = await this.storeMasters(rec, files, writerGone);
    } catch (err) {
      // Spool files stay where they are; the next start retries.
      this.log.error({ err, recordingId }, 'evidence: storing masters failed');
      await this.repo.setRecording(recordingId, { error: String(err) });
      await this.sessions.addEvent(rec.session_id, 'evidence.store_failed', null, 'will retry at next start');
      return;
    }
    this.safeEmit('updated', rec.session_id);
    const video = masters.find((m) => m.header?.kind === 'video') ?? null;
    try {
      const summary = await this.makeWorkingCopy(rec, masters);
      await this.repo.setRecording(recordingId, {
        state: 'stored',
        video_codec: video?.header?.codec ?? null,
        error: null,
      });
      await this.sessions.addEvent(rec.session_id, 'evidence.stored', null, summary);
    } catch (err) {
      this.log.error({ err, recordingId }, 'evidence: working copy failed; masters are stored');
      await this.repo.setRecording(recordingId, { state: 'failed', error: String(err).slice(0, 500) });
      await this.sessions.addEvent(
        rec.session_id,
        'evidence.conversion_failed',
        null,
        'masters stored; no working copy',
      );
    }
    for (const m of masters) await unlink(m.spoolPath).catch(() => {});
    this.safeEmit('updated', rec.session_id);
  }

  /** Lists the recording's files once Janus has closed them (or the wait runs out). */
  private async waitForClosedFiles(rec: RecordingRow, writerGone: boolean): Promise<string[]> {
    const dir = this.spoolFor(rec.session_id);
    const deadline = this.clock.now() + CLOSE_WAIT_MS;
    for (;;) {
      const names = (await readdir(dir).catch(() => [] as string[])).filter(
        (n) => n.startsWith(`${rec.file_base}-`) && /\.mjr(\.tmp)?$/.test(n),
      );
      const open = names.some((n) => n.endsWith('.tmp'));
      if (!open || writerGone || this.clock.now() > deadline) {
        if (open && !writerGone)
          this.log.warn({ recordingId: rec.id }, 'evidence: Janus did not close the recording in time');
        return names.sort().map((n) => join(dir, n));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async storeMasters(rec: RecordingRow, files: string[], recovered: boolean): Promise<Master[]> {
    const masters: Master[] = [];
    for (const spoolPath of files) {
      const name = spoolPath.slice(spoolPath.lastIndexOf('/') + 1).replace(/\.tmp$/, '');
      const key = `sessions/${rec.session_id}/${rec.id}/${name}`;
      const header = await this.tools.readMjrHeader(spoolPath).catch(() => null);
      const existing = await this.repo.itemByKey(key);
      const stored = existing
        ? { key, sha256: existing.sha256, size: Number(existing.size) }
        : await this.storeVerified(key, () => this.store.putFile(key, spoolPath));
      if (!existing) {
        const detail = recovered && spoolPath.endsWith('.tmp') ? { recoveredOpenFile: true } : {};
        await this.record(rec.session_id, rec.id, 'master', name, MJR_TYPE, stored, [], null, detail);
      }
      masters.push({ spoolPath, name, header, stored });
    }
    return masters;
  }

  private async makeWorkingCopy(rec: RecordingRow, masters: Master[]): Promise<string> {
    const work = join(this.paths.workDir, rec.id);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true, mode: 0o700 });
    try {
      const video = masters.find((m) => m.header?.kind === 'video');
      const audio = masters.find((m) => m.header?.kind === 'audio');
      if (!video && !audio) throw new Error('no readable audio or video master');
      // H264 goes in MP4 (plays everywhere); VP8 in WebM.
      const container = video?.header?.codec === 'h264' ? 'mp4' : 'webm';
      let videoFile: string | null = null;
      let audioFile: string | null = null;
      if (video?.header) {
        videoFile = join(work, `video.${container}`);
        await this.tools.depacketise(video.spoolPath, video.header, videoFile);
      }
      if (audio?.header) {
        audioFile = join(work, 'audio.opus');
        await this.tools.depacketise(audio.spoolPath, audio.header, audioFile);
      }
      const name = `working-copy-${rec.id}.${container}`;
      const out = join(work, name);
      await this.tools.mux({ video: videoFile, audio: audioFile }, out);
      const probe = await this.tools.probe(out);
      const key = `sessions/${rec.session_id}/${rec.id}/${name}`;
      const stored = await this.storeVerified(key, () => this.store.putFile(key, out));
      const mediaType = `${videoFile ? 'video' : 'audio'}/${container}`;
      const from = [video, audio].filter((m): m is Master => !!m).map((m) => m.stored.sha256);
      await this.record(
        rec.session_id,
        rec.id,
        'working-copy',
        name,
        mediaType,
        stored,
        from,
        probe.durationMs,
      );
      const seconds = probe.durationMs === null ? '?' : (probe.durationMs / 1000).toFixed(1);
      return `${video?.header?.codec ?? 'no'} video, ${audio ? 'opus' : 'no'} audio, ${seconds} s; ${masters.length} masters and a working copy`;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Stores an object, then re-reads it from the store and checks the hash before anything refers to it. */
  private async storeVerified(key: string, put: () => Promise<StoredObject>): Promise<StoredObject> {
    const stored = await put();
    const reread = await this.store.hash(key);
    if (reread !== stored.sha256) throw new Error(`evidence store returned different bytes for ${key}`);
    return stored;
  }

  private async record(
    sessionId: string,
    recordingId: string | null,
    kind: EvidenceKind,
    fileName: string,
    mediaType: string,
    stored: StoredObject,
    derivedFrom: string[],
    durationMs: number | null,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const id = this.random.id();
    await this.repo.insertItem({
      id,
      session_id: sessionId,
      recording_id: recordingId,
      kind,
      file_name: fileName,
      media_type: mediaType,
      storage_key: stored.key,
      sha256: stored.sha256,
      size: stored.size,
      created_at: this.clock.now(),
      derived_from: JSON.stringify(derivedFrom),
      duration_ms: durationMs,
    });
    await this.audit.record({
      actor: SYSTEM,
      action: 'evidence.store',
      subject: { type: 'evidence', id },
      detail: {
        sessionId,
        kind,
        fileName,
        sha256: stored.sha256,
        size: stored.size,
        derivedFrom,
        store: this.store.kind,
        ...extra,
      },
    });
  }
}
