import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../adapters/clock.js';
import type { MediaTools, MjrHeader, ProbeResult } from '../adapters/media-tools/media-tools.js';
import type { Random } from '../adapters/random.js';
import type { StoredObject } from '../adapters/storage/evidence-store.js';
import { type AuditService, SYSTEM } from '../audit/audit.service.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import type { SessionService } from '../sessions/session.service.js';
import type { EvidenceRepository, RecordingRow } from './evidence.repository.js';
import type { EvidenceLedger } from './evidence-ledger.js';
import type { Sealer, SealResult } from './sealer.js';

/** A file of the recording in the spool, with its header if it has one (null: no packet arrived). */
interface Found {
  spoolPath: string;
  header: MjrHeader | null;
}

interface Master extends Found {
  name: string;
  stored: StoredObject;
}

/** The working copy in the work folder, before it is stored. */
interface Converted {
  out: string;
  container: 'mp4' | 'webm';
  hasVideo: boolean;
  probe: ProbeResult;
}

const MJR_TYPE = 'application/x-janus-mjr';
/** How long to wait for Janus to close a recording after the publisher left. */
const CLOSE_WAIT_MS = 20_000;

/**
 * From Janus's spool to evidence: seal while recording, then store each native
 * .mjr master unaltered (checking its hash equals the final seal), remux a working
 * copy without transcoding, and remove the spool files only when all of that is done.
 */
export class RecordingIngest {
  constructor(
    private readonly repo: EvidenceRepository,
    private readonly ledger: EvidenceLedger,
    private readonly sealer: Sealer,
    private readonly tools: MediaTools,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly queue: SerialQueue,
    /** `nodeId`: the media node whose spool this is (recorded on each recording it begins). */
    private readonly paths: { spoolDir: string; workDir: string; nodeId?: string },
    private readonly onChange: (sessionId: string) => void,
    private readonly log: Logger,
  ) {}

  /** Folder Janus records a session into. */
  spoolFor(sessionId: string): string {
    return join(this.paths.spoolDir, sessionId);
  }

  /**
   * Registers a new recording and starts sealing it. The id and file base are
   * known at once (Janus needs the base now); `saved` resolves when the row is committed.
   */
  begin(
    sessionId: string,
    source: 'caller' | 'officer' | 'interpreter' = 'caller',
    interpreterId?: string,
  ): { recordingId: string; fileBase: string; saved: Promise<void> } {
    const recordingId = this.random.id();
    const fileBase = `rec-${recordingId}`;
    const saved = this.repo
      .insertRecording({
        id: recordingId,
        session_id: sessionId,
        file_base: fileBase,
        started_at: this.clock.now(),
        ended_at: null,
        state: 'recording',
        video_codec: null,
        error: null,
        source,
        interpreter_id: interpreterId ?? null,
        media_node: this.paths.nodeId ?? null,
      })
      .then(() => this.track(recordingId, sessionId, fileBase));
    return { recordingId, fileBase, saved };
  }

  /** Starts sealing a recording whose row exists (a media node picks up rows server instances wrote). */
  track(recordingId: string, sessionId: string, fileBase: string): void {
    this.sealer.track(recordingId, sessionId, this.spoolFor(sessionId), fileBase);
  }

  /**
   * The publisher left: queue the recording for ingest. `writerGone` means Janus
   * itself died, so files still named .mjr.tmp will never be closed and are final.
   */
  finish(recordingId: string, writerGone: boolean): Promise<void> {
    return this.queue.run(async () => {
      await this.repo.endRecording(recordingId, this.clock.now());
      await this.ingest(recordingId, writerGone, null);
    });
  }

  /**
   * After a restart: seal what the crashed run had not (flagged "recovered"), then
   * ingest. A file that no longer matches its last seal is flagged and left alone.
   * A media node passes its id, so it recovers only its own recordings, and the ones
   * it knows belong to its previous run (`only`), never a recording just begun.
   */
  async recoverUnfinished(mediaNode?: string, only?: ReadonlySet<string>): Promise<number> {
    const rows = (await this.repo.unfinishedRecordings(mediaNode)).filter((r) => !only || only.has(r.id));
    for (const rec of rows) void this.queue.run(() => this.recoverOne(rec, true));
    return rows.length;
  }

  /**
   * Storage takes writes again: ingests this node's recordings whose masters could not be
   * stored, now rather than at the next start. Their spool files were kept; each is checked
   * against its seals again first, as after a restart. Returns how many it queued.
   */
  async retryStoreFailed(): Promise<number> {
    const rows = (await this.repo.unfinishedRecordings(this.paths.nodeId)).filter(
      (r) => r.state === 'ingesting' && r.error !== null && !this.#retrying.has(r.id),
    );
    for (const rec of rows) {
      this.#retrying.add(rec.id);
      void this.queue.run(() => this.recoverOne(rec, false)).finally(() => this.#retrying.delete(rec.id));
    }
    return rows.length;
  }

  /** Recordings queued by `retryStoreFailed`, so a second recovery of storage does not queue them twice. */
  readonly #retrying = new Set<string>();

  private async recoverOne(rec: RecordingRow, afterRestart: boolean): Promise<void> {
    let finalSeals: SealResult[];
    try {
      const r = await this.sealer.recover(
        rec.id,
        rec.session_id,
        this.spoolFor(rec.session_id),
        rec.file_base,
      );
      finalSeals = r.seals;
      // A retry after storage failed finds nothing left unsealed: there is no recovery to record.
      if (r.seals.length > 0 && (afterRestart || r.recoveredBytes > 0)) {
        await this.audit.record({
          actor: SYSTEM,
          action: 'evidence.recovered',
          subject: { type: 'recording', id: rec.id },
          detail: { sessionId: rec.session_id, recoveredBytes: r.recoveredBytes, files: r.seals },
        });
        await this.sessions.addEvent(
          rec.session_id,
          'evidence.recovered',
          null,
          `${r.recoveredBytes} bytes sealed after a restart`,
        );
      }
    } catch (err) {
      await this.flagMismatch(rec, String(err));
      return;
    }
    await this.ingest(rec.id, true, finalSeals);
  }

  private async ingest(
    recordingId: string,
    writerGone: boolean,
    recoveredSeals: SealResult[] | null,
  ): Promise<void> {
    const rec = await this.repo.recording(recordingId);
    if (!rec || rec.state === 'stored' || rec.state === 'empty') return;
    await this.repo.setRecording(recordingId, { state: 'ingesting' });
    const files = await this.waitForClosedFiles(rec, writerGone);
    const finalSeals = recoveredSeals ?? (await this.sealer.finish(recordingId));
    if (files.length === 0) {
      await this.repo.setRecording(recordingId, { state: 'empty' });
      await this.sessions.addEvent(rec.session_id, 'recording.empty', null, 'no media reached the server');
      return;
    }
    const found = await Promise.all(
      files.map(async (spoolPath) => ({
        spoolPath,
        header: await this.tools.readMjrHeader(spoolPath).catch(() => null),
      })),
    );
    const work = join(this.paths.workDir, rec.id);
    // The working copy is made from the spool files while the masters are stored: both only
    // read the same closed files, and the copy is recorded only after its masters are. Its
    // outcome is held as a value, so a failure while the masters are still storing is not lost.
    const converting = found.some((f) => f.header)
      ? this.convert(work, found).then(
          (made) => ({ made }),
          (err: unknown) => ({ err }),
        )
      : null;
    try {
      let masters: Master[];
      try {
        masters = await this.storeMasters(rec, found, finalSeals, recoveredSeals !== null);
      } catch (err) {
        return await this.storeFailed(rec, err, 'evidence: storing masters failed');
      }
      this.onChange(rec.session_id);
      if (!converting) {
        // Janus opened the files but no packet arrived (the caller republished at once): the
        // masters are kept as they are, but this is an empty recording, not a failed conversion.
        await this.repo.setRecording(recordingId, { state: 'empty', error: null });
        await this.sessions.addEvent(rec.session_id, 'recording.empty', null, 'no media reached the server');
        for (const m of masters) await unlink(m.spoolPath).catch(() => {});
        this.onChange(rec.session_id);
        return;
      }
      const video = masters.find((m) => m.header?.kind === 'video') ?? null;
      try {
        const result = await converting;
        if ('err' in result) throw result.err;
        const summary = await this.storeWorkingCopy(rec, masters, result.made);
        await this.repo.setRecording(recordingId, {
          state: 'stored',
          video_codec: video?.header?.codec ?? null,
          media_started_at: video?.header?.firstPacketAt ?? null,
          error: null,
        });
        await this.sessions.addEvent(rec.session_id, 'evidence.stored', null, summary);
      } catch (err) {
        // The store could not take the copy: the spool files stay, and it is made again on retry.
        if (err instanceof DomainError && err.code === 'storage_unavailable')
          return await this.storeFailed(rec, err, 'evidence: storing the working copy failed');
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
      this.onChange(rec.session_id);
    } finally {
      // Never removed under a conversion still running.
      await converting;
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Spool files stay where they are; storage recovering (`retryStoreFailed`), or the next start, retries. */
  private async storeFailed(rec: RecordingRow, err: unknown, msg: string): Promise<void> {
    this.log.error({ err, recordingId: rec.id }, msg);
    await this.repo.setRecording(rec.id, { error: String(err).slice(0, 500) });
    await this.sessions.addEvent(
      rec.session_id,
      'evidence.store_failed',
      null,
      'kept; will retry when storage takes writes again',
    );
  }

  /** Lists the recording's files once Janus has closed them (or the wait runs out). */
  private async waitForClosedFiles(rec: RecordingRow, writerGone: boolean): Promise<string[]> {
    const dir = this.spoolFor(rec.session_id);
    // Real elapsed time, not the injected clock: this waits on Janus, a process, and a clock
    // that tests hold still would make the wait endless (a recording stuck "ingesting").
    const deadline = performance.now() + CLOSE_WAIT_MS;
    for (;;) {
      const names = (await readdir(dir).catch(() => [] as string[])).filter(
        (n) => n.startsWith(`${rec.file_base}-`) && /\.mjr(\.tmp)?$/.test(n),
      );
      const open = names.some((n) => n.endsWith('.tmp'));
      if (!open || writerGone || performance.now() > deadline) {
        if (open && !writerGone)
          this.log.warn({ recordingId: rec.id }, 'evidence: Janus did not close the recording in time');
        return names.sort().map((n) => join(dir, n));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Stores each master; its SHA-256 must equal the SHA-256 of the whole file as last sealed. */
  private async storeMasters(
    rec: RecordingRow,
    files: Found[],
    seals: SealResult[],
    recovered: boolean,
  ): Promise<Master[]> {
    const masters: Master[] = [];
    for (const { spoolPath, header } of files) {
      const name = spoolPath.slice(spoolPath.lastIndexOf('/') + 1).replace(/\.tmp$/, '');
      const key = `sessions/${rec.session_id}/${rec.id}/${name}`;
      const existing = await this.repo.itemByKey(key);
      // A closed file is never written again and is removed from the spool below: the store may
      // take it as it is. A .tmp file is copied, even when "the writer is gone": that means our
      // socket to Janus closed, and a Janus shutting down flushes and renames its recordings
      // after closing its transports, so a linked file could still change after its hash.
      const adopt = !spoolPath.endsWith('.tmp');
      const stored = existing
        ? { key, sha256: existing.sha256, size: Number(existing.size) }
        : await this.ledger.storeVerified(key, () => this.ledger.store.putFile(key, spoolPath, { adopt }));
      const seal = seals.find((s) => s.fileName === name);
      if (!seal || seal.prefixSha256 !== stored.sha256 || seal.offset !== stored.size) {
        throw new Error(`${name}: stored master does not match its final seal`);
      }
      if (!existing) {
        await this.ledger.record(
          {
            sessionId: rec.session_id,
            recordingId: rec.id,
            kind: 'master',
            fileName: name,
            mediaType: MJR_TYPE,
            derivedFrom: [],
            durationMs: null,
            auditDetail: { sealedAs: seal.prefixSha256, recovered },
          },
          stored,
        );
      }
      masters.push({ spoolPath, name, header, stored });
    }
    return masters;
  }

  /** Depacketises and remuxes the recording, without transcoding, into a file in `work`. */
  private async convert(work: string, files: Found[]): Promise<Converted> {
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true, mode: 0o700 });
    const video = files.find((m) => m.header?.kind === 'video');
    const audio = files.find((m) => m.header?.kind === 'audio');
    if (!video && !audio) throw new Error('no readable audio or video master');
    // H264 goes in MP4 (plays everywhere); VP8 in WebM.
    const container = video?.header?.codec === 'h264' ? 'mp4' : 'webm';
    const videoFile = video?.header ? join(work, `video.${container}`) : null;
    const audioFile = audio?.header ? join(work, 'audio.opus') : null;
    // Two independent processes, one per core: the audio is done while the video still runs.
    // Both are waited for, so neither still writes when the work folder is removed.
    const converted = await Promise.allSettled([
      videoFile && this.tools.depacketise(video!.spoolPath, video!.header!, videoFile),
      audioFile && this.tools.depacketise(audio!.spoolPath, audio!.header!, audioFile),
    ]);
    for (const c of converted) if (c.status === 'rejected') throw c.reason;
    const out = join(work, `working-copy.${container}`);
    await this.tools.mux({ video: videoFile, audio: audioFile }, out);
    return { out, container, hasVideo: !!videoFile, probe: await this.tools.probe(out) };
  }

  /** Stores and records the working copy, derived from the stored masters. Returns the timeline summary. */
  private async storeWorkingCopy(rec: RecordingRow, masters: Master[], made: Converted): Promise<string> {
    const video = masters.find((m) => m.header?.kind === 'video');
    const audio = masters.find((m) => m.header?.kind === 'audio');
    const name = `working-copy-${rec.id}.${made.container}`;
    const key = `sessions/${rec.session_id}/${rec.id}/${name}`;
    // Made by this ingest and removed after it, so the store may take the file itself, not a copy.
    const stored = await this.ledger.storeVerified(key, () =>
      this.ledger.store.putFile(key, made.out, { adopt: true }),
    );
    const from = [video, audio].filter((m): m is Master => !!m).map((m) => m.stored.sha256);
    await this.ledger.record(
      {
        sessionId: rec.session_id,
        recordingId: rec.id,
        kind: 'working-copy',
        fileName: name,
        mediaType: `${made.hasVideo ? 'video' : 'audio'}/${made.container}`,
        derivedFrom: from,
        durationMs: made.probe.durationMs,
      },
      stored,
    );
    const seconds = made.probe.durationMs === null ? '?' : (made.probe.durationMs / 1000).toFixed(1);
    return `${video?.header?.codec ?? 'no'} video, ${audio ? 'opus' : 'no'} audio, ${seconds} s; ${masters.length} masters and a working copy`;
  }

  private async flagMismatch(rec: RecordingRow, problem: string): Promise<void> {
    this.log.error({ recordingId: rec.id, problem }, 'evidence: a recording does not match its seals');
    await this.repo.setRecording(rec.id, {
      state: 'failed',
      error: `seal mismatch: ${problem}`.slice(0, 500),
    });
    await this.audit.record({
      actor: SYSTEM,
      action: 'evidence.seal_mismatch',
      subject: { type: 'recording', id: rec.id },
      detail: { sessionId: rec.session_id, problem },
    });
    await this.sessions.addEvent(rec.session_id, 'evidence.seal_mismatch', null, problem);
  }
}
