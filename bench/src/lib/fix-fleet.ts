import { monitorEventLoopDelay } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { fixMessage } from './caller-socket.js';

/**
 * Connected simulated phones sending one fix a second each, their sends spread evenly over
 * the second. Remembers every fix time sent, so a window's delivery can be checked exactly.
 */
export class FixFleet {
  readonly #sent: number[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #loop = monitorEventLoopDelay({ resolution: 5 });
  #closed = 0;

  constructor(private readonly sockets: WebSocket[]) {
    for (const ws of sockets) ws.once('close', () => this.#closed++);
  }

  start(): void {
    this.#loop.enable();
    this.sockets.forEach((ws, i) => {
      const tick = () => {
        const { text, fixTime } = fixMessage(i);
        ws.send(text);
        this.#sent.push(fixTime);
      };
      this.#timers.push(
        setTimeout(
          () => {
            tick();
            this.#timers.push(setInterval(tick, 1000));
          },
          (i * 1000) / this.sockets.length,
        ),
      );
    });
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#loop.disable();
  }

  /** Fixes stamped in [from, to). */
  sentBetween(from: number, to: number): number {
    let n = 0;
    for (const t of this.#sent) if (t >= from && t < to) n++;
    return n;
  }

  /** Sockets the server has closed since they connected (a phone that would have to reconnect). */
  get closed(): number {
    return this.#closed;
  }

  /** The generator's own event-loop delay p99 since the last reset, in ms: is it keeping its 1 Hz? */
  loopDelayP99Ms(reset = false): number {
    const v = this.#loop.percentile(99) / 1e6;
    if (reset) this.#loop.reset();
    return v;
  }
}
