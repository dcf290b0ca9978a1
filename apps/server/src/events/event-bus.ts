import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import {
  type DomainEventName,
  DomainEventSchemas,
  type DomainEvents,
  LOCAL_EVENTS,
} from './domain-events.js';

/** Where an event came from: this instance (`local`) or another one, through the transport. */
export interface EventMeta {
  origin: string;
  local: boolean;
}

export type EventHandler<K extends DomainEventName> = (
  payload: DomainEvents[K],
  meta: EventMeta,
) => void | Promise<void>;

/** What a service needs to announce something. */
export interface EventPublisher {
  publish<K extends DomainEventName>(type: K, payload: DomainEvents[K]): void;
}

/** The bus's link to other instances, as officers and /api/system/status see it. */
export interface EventBusHealth {
  /** `in-process`: one instance, nothing to reach. */
  backend: 'in-process' | 'redis';
  state: 'up' | 'down';
  since: number;
  lastError: string | null;
  /** Events waiting to be sent while the transport is down. */
  queued: number;
  /** Events given up because the queue was full (counted since start). */
  dropped: number;
}

/**
 * Carries serialised events between instances (Redis in production, a shared hub in
 * unit tests). It never delivers an instance's own events back to it.
 */
export interface BusTransport {
  send(envelope: string): void;
  /** Called with each envelope another instance sent. */
  listen(receive: (envelope: string) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): EventBusHealth;
}

const Envelope = z.object({
  v: z.literal(1),
  type: z.enum(Object.keys(DomainEventSchemas) as [DomainEventName, ...DomainEventName[]]),
  origin: z.string().min(1),
  payload: z.unknown(),
});

/**
 * The one way services tell the rest of the system what happened. Local subscribers
 * get each event at once, synchronously, in subscription order (as the emitters did);
 * with a transport, other instances get it too, unless it is a local fact
 * (LOCAL_EVENTS). A subscriber's exception, or its rejected promise, is logged and
 * never reaches the publisher or the other subscribers.
 */
export class EventBus implements EventPublisher {
  readonly #handlers = new Map<DomainEventName, Set<EventHandler<DomainEventName>>>();
  readonly #since: number;

  constructor(
    readonly instanceId: string,
    private readonly log: Logger,
    private readonly transport: BusTransport | null = null,
    clock: { now(): number } = Date,
  ) {
    this.#since = clock.now();
    transport?.listen((raw) => this.receive(raw));
  }

  publish<K extends DomainEventName>(type: K, payload: DomainEvents[K]): void {
    this.deliver(type, payload, { origin: this.instanceId, local: true });
    if (this.transport && !LOCAL_EVENTS.has(type))
      this.transport.send(JSON.stringify({ v: 1, type, origin: this.instanceId, payload }));
  }

  /** Calls `handler` for every `type` event, local or remote; returns the unsubscribe. */
  subscribe<K extends DomainEventName>(type: K, handler: EventHandler<K>): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const h = handler as EventHandler<DomainEventName>;
    set.add(h);
    return () => void set.delete(h);
  }

  /** Like subscribe, for work that must happen once in the cluster: only events this instance published. */
  subscribeLocal<K extends DomainEventName>(
    type: K,
    handler: (payload: DomainEvents[K]) => void,
  ): () => void {
    return this.subscribe(type, (payload, meta) => {
      if (meta.local) return handler(payload);
    });
  }

  health(): EventBusHealth {
    return (
      this.transport?.health() ?? {
        backend: 'in-process',
        state: 'up',
        since: this.#since,
        lastError: null,
        queued: 0,
        dropped: 0,
      }
    );
  }
  start(): Promise<void> {
    return this.transport?.start() ?? Promise.resolve();
  }

  stop(): Promise<void> {
    return this.transport?.stop() ?? Promise.resolve();
  }

  private receive(raw: string): void {
    let envelope: z.infer<typeof Envelope>;
    try {
      envelope = Envelope.parse(JSON.parse(raw));
    } catch (err) {
      this.log.warn({ err }, 'events: dropped a malformed envelope from the transport');
      return;
    }
    // Our own events were delivered when published; the transport may still echo them.
    if (envelope.origin === this.instanceId) return;
    const parsed = DomainEventSchemas[envelope.type].safeParse(envelope.payload);
    if (!parsed.success) {
      this.log.warn(
        { type: envelope.type, origin: envelope.origin, issues: parsed.error.issues.slice(0, 3) },
        'events: dropped an event whose payload does not match its schema',
      );
      return;
    }
    this.deliver(envelope.type, parsed.data as DomainEvents[DomainEventName], {
      origin: envelope.origin,
      local: false,
    });
  }

  private deliver<K extends DomainEventName>(type: K, payload: DomainEvents[K], meta: EventMeta): void {
    const set = this.#handlers.get(type);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        const result = handler(payload, meta);
        if (result instanceof Promise)
          result.catch((err: unknown) => this.log.error({ err, type }, 'events: a subscriber failed'));
      } catch (err) {
        this.log.error({ err, type }, 'events: a subscriber threw');
      }
    }
  }
}
