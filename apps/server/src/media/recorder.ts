import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import type { EvidenceRepository } from '../evidence/evidence.repository.js';
import type { RecordingIngest } from '../evidence/recording-ingest.js';
import type { MediaNode } from './nodes/media-node.js';

export type RecordingSource = 'caller' | 'officer' | 'interpreter';

/** A recording as Janus is told to write it. `saved` resolves once its row is committed. */
export interface RecordingStart {
  recordingId: string;
  fileBase: string;
  saved: Promise<void>;
}

/**
 * What the media side needs from the evidence pipeline: a recording row before Janus writes,
 * and word when the publisher has left. Who seals and ingests depends on where the spool is.
 */
export interface Recorder {
  /** `interpreterId` attributes an interpreter's recording (source 'interpreter') to them. */
  begin(sessionId: string, node: MediaNode, source?: RecordingSource, interpreterId?: string): RecordingStart;
  /** The publisher left; `writerGone` if the node's Janus itself went away. */
  finish(recordingId: string, writerGone: boolean): Promise<void>;
}

/** The embedded Janus: its spool is on this machine, so this process seals and ingests. */
export class LocalRecorder implements Recorder {
  constructor(private readonly ingest: RecordingIngest) {}

  begin(
    sessionId: string,
    node: MediaNode,
    source: RecordingSource = 'caller',
    interpreterId?: string,
  ): RecordingStart {
    if (!node.local) throw new Error(`media node ${node.id} is not local: its recordings are its own`);
    return this.ingest.begin(sessionId, source, interpreterId);
  }

  finish(recordingId: string, writerGone: boolean): Promise<void> {
    return this.ingest.finish(recordingId, writerGone);
  }
}

/**
 * Cluster mode: the files are on the media node's machine, and the node seals and ingests them.
 * This instance only writes the row (naming the node) and, when the publisher leaves, its end
 * time; the node polls for both. A node also finishes a recording whose files Janus has closed,
 * so one whose server instance died is not left open.
 */
export class RemoteRecorder implements Recorder {
  constructor(
    private readonly repo: EvidenceRepository,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  begin(
    sessionId: string,
    node: MediaNode,
    source: RecordingSource = 'caller',
    interpreterId?: string,
  ): RecordingStart {
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
      source,
      interpreter_id: interpreterId ?? null,
      media_node: node.id,
    });
    return { recordingId, fileBase, saved };
  }

  async finish(recordingId: string, _writerGone: boolean): Promise<void> {
    // The node knows better whether its Janus restarted; it only needs to hear that we are done.
    await this.repo.endRecording(recordingId, this.clock.now());
  }
}
