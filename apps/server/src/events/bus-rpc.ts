import { ErrorCode } from '@sightline/protocol';
import type { z } from 'zod';
import { JanusError } from '../adapters/janus/janus-errors.js';
import type { Random } from '../adapters/random.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from './event-bus.js';

/** One remote method: what it takes and what it returns, each checked on arrival. */
export interface RpcMethod {
  params: z.ZodType;
  result: z.ZodType;
}
export type RpcMethods = Record<string, RpcMethod>;
export type RpcParams<M extends RpcMethods, K extends keyof M> = z.infer<M[K]['params']>;
export type RpcResult<M extends RpcMethods, K extends keyof M> = z.infer<M[K]['result']>;
export type RpcImpl<M extends RpcMethods> = {
  [K in keyof M]: (params: RpcParams<M, K>) => Promise<RpcResult<M, K>>;
};

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request and response between instances over the event bus: a correlation id, a
 * deadline, and zod on both ends. A call fails with a DomainError whose code the
 * far side chose (e.g. `unknown_view`), or `media_unavailable` when no answer comes
 * in time (the instance died, or Redis is down). A request read after its deadline
 * is dropped, so a replay after a reconnect does nothing.
 */
export class BusRpc<M extends RpcMethods> {
  readonly #pending = new Map<string, Pending>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(
    private readonly bus: EventBus,
    private readonly methods: M,
    private readonly random: Random,
    private readonly log: Logger,
    private readonly timeoutMs = 10_000,
    private readonly clock: { now(): number } = Date,
  ) {
    this.#unsubscribe.push(
      bus.subscribe('rpc.response', (r) => {
        if (r.to !== bus.instanceId) return;
        const pending = this.#pending.get(r.id);
        if (!pending) return; // timed out already
        this.#pending.delete(r.id);
        clearTimeout(pending.timer);
        if (r.error) return pending.reject(asError(r.error));
        const parsed = this.methods[pending.method]!.result.safeParse(r.result);
        if (parsed.success) pending.resolve(parsed.data);
        else pending.reject(new Error(`rpc ${pending.method}: malformed result from the other instance`));
      }),
    );
  }

  /** Calls `method` on instance `to`. */
  call<K extends keyof M & string>(to: string, method: K, params: RpcParams<M, K>): Promise<RpcResult<M, K>> {
    const id = this.random.id();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new DomainError(
            'media_unavailable',
            'the server holding this call did not answer in time; try again in a moment',
          ),
        );
      }, this.timeoutMs);
      timer.unref();
      this.#pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.bus.publish('rpc.request', {
        id,
        to,
        method,
        params,
        deadline: this.clock.now() + this.timeoutMs,
      });
    });
  }

  /** Answers requests addressed to this instance with `impl`. */
  serve(impl: RpcImpl<M>): void {
    this.#unsubscribe.push(
      this.bus.subscribe('rpc.request', async (req, meta) => {
        if (req.to !== this.bus.instanceId) return;
        if (req.deadline < this.clock.now()) {
          this.log.debug({ method: req.method }, 'rpc: dropped a request past its deadline');
          return;
        }
        const respond = (result: unknown, error: { code: string; message: string } | null) =>
          this.bus.publish('rpc.response', { id: req.id, to: meta.origin, result, error });
        const method = Object.hasOwn(this.methods, req.method) ? this.methods[req.method] : undefined;
        if (!method) return respond(null, { code: 'bad_request', message: `no method ${req.method}` });
        const params = method.params.safeParse(req.params);
        if (!params.success)
          return respond(null, { code: 'bad_request', message: `malformed params for ${req.method}` });
        try {
          const result = await impl[req.method as keyof M]!(params.data as RpcParams<M, keyof M>);
          respond(result ?? null, null);
        } catch (err) {
          respond(null, this.describe(err, req.method));
        }
      }),
    );
  }

  /** Fails every call still waiting (shutdown) and stops serving. */
  stop(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new DomainError('media_unavailable', 'the server is shutting down'));
      this.#pending.delete(id);
    }
  }

  private describe(err: unknown, method: string): { code: string; message: string } {
    if (err instanceof DomainError) return { code: err.code, message: err.message };
    if (err instanceof JanusError)
      return { code: 'media_unavailable', message: 'the media server could not do that; try again' };
    this.log.error({ err, method }, 'rpc: handler failed');
    return { code: 'internal', message: 'something went wrong on the server holding this call' };
  }
}

function asError(e: { code: string; message: string }): Error {
  const code = ErrorCode.safeParse(e.code);
  return code.success ? new DomainError(code.data, e.message) : new Error(e.message);
}
