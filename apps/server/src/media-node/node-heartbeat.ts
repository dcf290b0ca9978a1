import { readFile } from 'node:fs/promises';
import type { Clock } from '../adapters/clock.js';
import type { Logger } from '../lib/logger.js';
import type { MediaNodeRepository } from '../media/nodes/media-node.repository.js';

/** Linux's clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

export interface NodeStatus {
  node: string;
  janus: 'up' | 'down';
  rooms: number;
  publishers: number;
  /** Janus's CPU over the last interval, in cores. */
  cpu: number;
  heartbeatAt: number | null;
}

export interface HeartbeatOptions {
  nodeId: string;
  incarnation: string;
  intervalMs: number;
  /** Janus's pid now (null while it is down) and whether the node's own connection to it is up. */
  janus: () => { pid: number | null; up: boolean };
  /** Called once if another process has taken this node id over: this one must stop. */
  onTakenOver: () => void;
}

/**
 * Writes the node's heartbeat and load into media_nodes every interval: whether its Janus is
 * up, rooms of sessions in progress placed on it, publishers recording on it, and Janus's CPU.
 * Server instances place rooms by it and notice a node that has gone silent.
 */
export class NodeHeartbeat {
  #timer: NodeJS.Timeout | null = null;
  #cpu: { pid: number; ticks: number; at: number } | null = null;
  #status: NodeStatus;
  #beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: MediaNodeRepository,
    private readonly clock: Clock,
    private readonly o: HeartbeatOptions,
    private readonly log: Logger,
  ) {
    this.#status = { node: o.nodeId, janus: 'down', rooms: 0, publishers: 0, cpu: 0, heartbeatAt: null };
  }

  get status(): NodeStatus {
    return this.#status;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.beat(), this.o.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#beating;
  }

  /** One heartbeat now (also the first, before the timer's). */
  beat(): Promise<void> {
    this.#beating = this.#beating.then(async () => {
      try {
        const janus = this.o.janus();
        const load = await this.repo.loadOf(this.o.nodeId);
        const cpu = await this.cpuOf(janus.pid);
        const at = this.clock.now();
        const ours = await this.repo.heartbeat(this.o.nodeId, this.o.incarnation, {
          heartbeat_at: at,
          janus_up: janus.up ? 1 : 0,
          rooms: load.rooms,
          publishers: load.publishers,
          cpu,
        });
        if (!ours) {
          this.stopTimer();
          this.log.error(
            { node: this.o.nodeId },
            'media node: another process has started with this node id (SIGHTLINE_MEDIA_NODE_ID); stopping',
          );
          this.o.onTakenOver();
          return;
        }
        this.#status = {
          node: this.o.nodeId,
          janus: janus.up ? 'up' : 'down',
          ...load,
          cpu,
          heartbeatAt: at,
        };
      } catch (err) {
        // The database may be away for a moment: servers see the heartbeat age, which is the truth.
        this.log.warn({ err }, 'media node: heartbeat failed');
      }
    });
    return this.#beating;
  }

  private stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Janus's CPU use since the previous sample, in cores (0 for the first sample or a new pid). */
  private async cpuOf(pid: number | null): Promise<number> {
    if (pid === null) return 0;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (!stat) return 0;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const at = this.clock.now();
    const prev = this.#cpu;
    this.#cpu = { pid, ticks, at };
    if (!prev || prev.pid !== pid || at <= prev.at) return 0;
    return Math.round(((ticks - prev.ticks) / TICKS_PER_SECOND / ((at - prev.at) / 1000)) * 1000) / 1000;
  }
}
