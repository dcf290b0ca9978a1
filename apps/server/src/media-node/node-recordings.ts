import { readdir } from 'node:fs/promises';
import type { Clock } from '../adapters/clock.js';
import type { RecordingRow } from '../evidence/evidence.repository.js';
import type { RecordingIngest } from '../evidence/recording-ingest.js';
import type { Logger } from '../lib/logger.js';
import type { MediaNodeRepository } from '../media/nodes/media-node.repository.js';

export interface NodeRecordingsOptions {
  nodeId: string;
  /** How often the recordings table is read for new and finished recordings. */
  pollMs: number;
  /**
   * A recording with no file at all after this long, and no word from its server instance, is
   * finished as empty: its publisher never connected and the instance that began it is gone.
   */
  orphanMs: number;
}

/**
 * A media node's side of the evidence pipeline. Server instances write recording rows that
 * name this node; it picks them up and seals their files as Janus writes them, and ingests
 * each one into the evidence store once it is over: when an instance says so (ended_at),
 * when Janus has closed every file (the instance may have died), or when this node's Janus
 * restarted (its writers are gone, so the open files are final).
 */
export class NodeRecordings {
  /** Recordings being sealed, with the Janus start they belong to. */
  readonly #tracked = new Map<string, number>();
  /** Recordings handed to ingest (or to start-up recovery), never looked at again. */
  readonly #handed = new Set<string>();
  #janusStartedAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: MediaNodeRepository,
    private readonly ingest: RecordingIngest,
    private readonly clock: Clock,
    private readonly o: NodeRecordingsOptions,
    private readonly log: Logger,
  ) {}

  /**
   * At start, after the previous Janus is gone: recovers what this node held before (sealing
   * the unsealed tail, flagged recovered) and ingests it. Never another node's recordings.
   * Returns how many recordings it recovered.
   */
  async recover(janusStartedAt: number): Promise<number> {
    this.#janusStartedAt = janusStartedAt;
    const rows = (await this.repo.openRecordings(this.o.nodeId)).filter(
      (r) => Number(r.started_at) < janusStartedAt,
    );
    for (const r of rows) this.#handed.add(r.id);
    if (rows.length) await this.ingest.recoverUnfinished(this.o.nodeId, new Set(rows.map((r) => r.id)));
    return rows.length;
  }

  /** This node's Janus (re)started: recordings it was writing are over, their open files final. */
  janusRestarted(at: number): void {
    this.#janusStartedAt = at;
    for (const [id, startedWith] of this.#tracked) if (startedWith < at) this.finish(id, true);
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#polling = this.#polling.then(() =>
        this.poll().catch((err: unknown) => this.log.error({ err }, 'media node: recordings poll failed')),
      );
    }, this.o.pollMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#polling;
  }

  /** Shutting down with Janus stopped: everything still tracked is over (its files are closed). */
  finishAll(): void {
    for (const id of [...this.#tracked.keys()]) this.finish(id, true);
  }

  /** One pass over this node's open recordings (the timer calls this). */
  async poll(): Promise<void> {
    for (const row of await this.repo.openRecordings(this.o.nodeId)) {
      if (this.#handed.has(row.id) || row.state !== 'recording') continue;
      if (!this.#tracked.has(row.id)) {
        this.ingest.track(row.id, row.session_id, row.file_base);
        this.#tracked.set(row.id, this.#janusStartedAt);
      }
      const startedWith = this.#tracked.get(row.id)!;
      if (row.ended_at !== null) {
        this.finish(row.id, startedWith < this.#janusStartedAt);
        continue;
      }
      const files = await this.files(row);
      if (files.length > 0 && !files.some((n) => n.endsWith('.tmp'))) {
        // Janus closed them: the publisher left, though no instance said so (it may have died).
        this.finish(row.id, false);
      } else if (files.length === 0 && this.clock.now() - Number(row.started_at) > this.o.orphanMs) {
        this.finish(row.id, false);
      }
    }
  }

  private finish(recordingId: string, writerGone: boolean): void {
    this.#tracked.delete(recordingId);
    this.#handed.add(recordingId);
    this.ingest
      .finish(recordingId, writerGone)
      .catch((err: unknown) => this.log.error({ err, recordingId }, 'media node: ingest failed'));
  }

  private async files(row: RecordingRow): Promise<string[]> {
    const names = await readdir(this.ingest.spoolFor(row.session_id)).catch(() => [] as string[]);
    return names.filter((n) => n.startsWith(`${row.file_base}-`) && /\.mjr(\.tmp)?$/.test(n));
  }
}
