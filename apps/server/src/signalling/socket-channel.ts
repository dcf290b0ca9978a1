import type { ErrorCode, ErrorMessage } from '@sightline/protocol';
import { ConsoleCloseCode } from '@sightline/protocol/close-codes';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { JanusError } from '../adapters/janus/janus-errors.js';
import { DomainError } from '../lib/errors.js';
import { type LogBindings, withLogContext } from '../lib/log-context.js';
import type { Logger } from '../lib/logger.js';

/** Close codes we use (4000-4999 are application-defined). */
export const CloseCode = {
  replaced: 4001,
  sessionEnded: 4002,
  unauthenticated: 4401,
  shuttingDown: 1001,
  signedOut: ConsoleCloseCode.signedOut,
  rolesChanged: ConsoleCloseCode.rolesChanged,
} as const;

/**
 * Which queue a message waits in: a named lane (one message at a time within it, in arrival
 * order), or `all`, a barrier that waits for every lane and that every later message waits for.
 */
export type Lane = string | 'all';

/**
 * Wraps one WebSocket: parses every message against `schema`, runs `handle` for
 * each in arrival order, and turns any failure into an `error` message. A bad
 * message never closes the socket and never reaches a handler.
 */
export class SocketChannel<
  In extends { type: string; id?: string | undefined },
  Out extends { type: string },
> {
  /** The tail of each lane's queue; a lane not yet used starts after the last barrier. */
  readonly #lanes = new Map<string, Promise<void>>();
  #barrier: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    private readonly schema: z.ZodType<In>,
    private readonly log: Logger,
    /** The session or connection this socket serves: on every line its handlers log (lib/log-context.ts). */
    private readonly context: LogBindings = {},
  ) {}

  /**
   * Starts reading; `handle` runs for each valid message, one at a time. `admit` is
   * asked on arrival (before queueing, so a flood never piles up) and may drop one.
   * `laneOf` lets independent messages not wait for each other (by default every message
   * is on one lane): the caller's media signalling must not queue behind timeline writes.
   */
  listen(
    handle: (msg: In) => Promise<void>,
    admit?: (msg: In) => boolean,
    laneOf: (msg: In) => Lane = () => 'main',
  ): void {
    this.socket.on('message', (data, isBinary) => {
      const msg = this.parse(data.toString(), isBinary);
      if (!msg) return;
      if (admit && !admit(msg)) return;
      // A console's message about one session (watch, request, chat) logs that session's id.
      const about = (msg as { sessionId?: unknown }).sessionId;
      const context = typeof about === 'string' ? { ...this.context, sessionId: about } : this.context;
      const run = () =>
        withLogContext(context, () => handle(msg)).catch((err: unknown) =>
          withLogContext(context, () => this.fail(err, msg.id)),
        );
      const lane = laneOf(msg);
      if (lane === 'all') {
        const done = Promise.all([this.#barrier, ...this.#lanes.values()]).then(run);
        this.#barrier = done;
        for (const name of this.#lanes.keys()) this.#lanes.set(name, done);
        return;
      }
      this.#lanes.set(lane, (this.#lanes.get(lane) ?? this.#barrier).then(run));
    });
  }

  send(msg: Out | ErrorMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  error(code: ErrorCode, message: string, ref?: string): void {
    this.send({ type: 'error', code, message, ...(ref ? { ref } : {}) });
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  private parse(text: string, isBinary: boolean): In | null {
    if (isBinary) {
      this.error('bad_message', 'binary messages are not accepted');
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.error('bad_message', 'message is not valid JSON');
      return null;
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const ref =
        typeof (json as { id?: unknown })?.id === 'string'
          ? (json as { id: string }).id.slice(0, 64)
          : undefined;
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at "${issue.path.join('.')}"` : '';
      this.error('bad_message', `invalid message${where}: ${issue?.message ?? 'unknown shape'}`, ref);
      return null;
    }
    return parsed.data;
  }

  private fail(err: unknown, ref: string | undefined): void {
    if (err instanceof DomainError) {
      this.error(err.code, err.message, ref);
    } else if (err instanceof JanusError) {
      this.log.warn({ err: err.message }, 'signalling: media server refused a request');
      this.error('media_unavailable', 'the media server could not do that; try again', ref);
    } else {
      this.log.error({ err }, 'signalling: handler failed');
      this.error('internal', 'something went wrong on the server', ref);
    }
  }
}
