import type { Clock } from '../../adapters/clock.js';
import { type AuditService, SYSTEM } from '../../audit/audit.service.js';
import type { Logger } from '../../lib/logger.js';
import type { SessionService } from '../../sessions/session.service.js';
import type { MediaNode } from './media-node.js';
import type { MediaNodeRepository, MediaNodeRow } from './media-node.repository.js';
import type { MediaNodes } from './media-nodes.js';

export interface DiscoveryOptions {
  /** How often the media_nodes table is read. */
  pollMs: number;
  /** A node whose heartbeat is older than this gets no new rooms (and is dropped once disconnected). */
  staleMs: number;
  /** A node silent this long with recordings open: each one's loss is audited (once, by one instance). */
  lostMs: number;
}

/**
 * Cluster mode: keeps this server instance's registry in step with the media nodes in the
 * database. A node with a fresh heartbeat is connected to and used; one that goes silent
 * gets no new rooms; and when one stays silent with recordings open, the loss of what it had
 * not sealed is recorded in the audit trail and on the session's timeline, never silent.
 * Should the node return, it recovers those recordings itself (evidence.recovered).
 */
export class NodeDiscovery {
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> = Promise.resolve();
  /** The Janus URL each registered node was connected with (a node may move). */
  readonly #urls = new Map<string, string>();

  constructor(
    private readonly nodes: MediaNodes,
    private readonly repo: MediaNodeRepository,
    private readonly connect: (row: MediaNodeRow) => MediaNode,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly o: DiscoveryOptions,
    private readonly log: Logger,
  ) {}

  /** Reads the table once (so nodes are known before the server takes calls), then every interval. */
  async start(): Promise<void> {
    await this.sweep();
    this.#timer ??= setInterval(() => void this.sweep(), this.o.pollMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sweeping;
  }

  /** One pass over the table (the timer calls this). */
  sweep(): Promise<void> {
    this.#sweeping = this.#sweeping.then(async () => {
      try {
        const now = this.clock.now();
        for (const row of await this.repo.nodes()) {
          this.follow(row, now);
          if (now - Number(row.heartbeat_at) >= this.o.lostMs) await this.recordLoss(row);
        }
      } catch (err) {
        this.log.error({ err }, 'media nodes: discovery failed; keeping the nodes already known');
      }
    });
    return this.#sweeping;
  }

  private follow(row: MediaNodeRow, now: number): void {
    const fresh = now - Number(row.heartbeat_at) < this.o.staleMs && row.stopped_at === null;
    let node = this.nodes.get(row.id);
    if (node && this.#urls.get(row.id) !== row.janus_url) {
      this.log.info({ node: row.id, url: row.janus_url }, 'media nodes: node moved; reconnecting');
      this.forget(row.id);
      node = undefined;
    }
    if (!node && fresh) {
      node = this.connect(row);
      this.nodes.add(node);
      this.#urls.set(row.id, row.janus_url);
      this.log.info({ node: row.id, url: row.janus_url }, 'media nodes: found a node');
      void node.start();
    }
    if (!node) return;
    node.report(fresh && Number(row.janus_up) === 1, {
      rooms: Number(row.rooms),
      publishers: Number(row.publishers),
      cpu: Number(row.cpu),
    });
    // Silent and unreachable: stop trying; it is found again when it heartbeats.
    if (!fresh && !node.connection.ready) {
      this.log.warn({ node: row.id }, 'media nodes: node is silent and unreachable; dropped');
      this.forget(row.id);
    }
  }

  private forget(id: string): void {
    this.nodes.remove(id);
    this.#urls.delete(id);
  }

  /** Flags each open recording of a silent node (compare-and-set: one instance wins) and audits it. */
  private async recordLoss(row: MediaNodeRow): Promise<void> {
    const open = await this.repo.openRecordings(row.id);
    for (const rec of open) {
      if (rec.node_lost_at !== null) continue;
      if (!(await this.repo.markNodeLost(rec.id, this.clock.now()))) continue;
      const sealed = await this.repo.sealedFiles(rec.id);
      const sealedBytes = sealed.reduce((sum, f) => sum + f.bytes, 0);
      const silentFor = this.clock.now() - Number(row.heartbeat_at);
      await this.audit.record({
        actor: SYSTEM,
        action: 'recording.node_lost',
        subject: { type: 'recording', id: rec.id },
        detail: {
          sessionId: rec.session_id,
          node: row.id,
          lastHeartbeatAt: Number(row.heartbeat_at),
          silentForMs: silentFor,
          sealed,
          note: 'the sealed part is kept in the node spool; the unsealed rest is recovered if the node returns',
        },
      });
      await this.sessions.addEvent(
        rec.session_id,
        'recording.node_lost',
        null,
        `media node ${row.id} silent for ${Math.round(silentFor / 1000)} s: ${sealedBytes} bytes were sealed; the rest is recovered if the node returns`,
      );
      this.log.error(
        { node: row.id, recordingId: rec.id, sessionId: rec.session_id, sealedBytes },
        'media nodes: a recording is stranded on a lost node',
      );
    }
  }
}
