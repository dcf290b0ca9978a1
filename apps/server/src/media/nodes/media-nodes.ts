import { DomainError } from '../../lib/errors.js';
import { TypedEmitter } from '../../lib/typed-emitter.js';
import type { MediaNode } from './media-node.js';

export interface MediaNodesEvents {
  nodeUp: (node: MediaNode) => void;
  /** A node's connection dropped (or it was removed): its rooms are gone for this server. */
  nodeDown: (node: MediaNode, reason: string) => void;
}

/** Where a session's room lives: the shared record of it, and the rooms per node to balance by. */
export interface PlacementStore {
  /** The node the session's room was placed on, if any. */
  sessionNode(sessionId: string): Promise<string | null>;
  /** Moves the session to `to` if it is still on `from` (compare-and-set); false if someone else moved it. */
  claimSessionNode(sessionId: string, from: string | null, to: string): Promise<boolean>;
  /** Rooms of sessions still in progress, per node id. */
  activeRooms(): Promise<Map<string, number>>;
}

/**
 * The least-loaded node: fewest rooms of sessions in progress (the shared count, so every
 * server instance sees the same), then the lowest CPU its heartbeat reported, then by id so
 * the choice is stable.
 */
export function leastLoaded(nodes: readonly MediaNode[], rooms: ReadonlyMap<string, number>): MediaNode {
  const sorted = [...nodes].sort(
    (a, b) =>
      (rooms.get(a.id) ?? 0) - (rooms.get(b.id) ?? 0) ||
      a.load.cpu - b.load.cpu ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const best = sorted[0];
  if (!best)
    throw new DomainError('media_unavailable', 'no media server is available; try again in a moment');
  return best;
}

/**
 * Every media node this server instance can use, and where each session's room goes.
 * The embedded default is a registry holding one node (the Janus this process runs).
 */
export class MediaNodes extends TypedEmitter<MediaNodesEvents> {
  readonly #nodes = new Map<string, MediaNode>();

  constructor(private readonly store: PlacementStore) {
    super();
  }

  add(node: MediaNode): void {
    if (this.#nodes.has(node.id)) throw new Error(`media node ${node.id} is already registered`);
    this.#nodes.set(node.id, node);
    node.on('up', () => this.safeEmit('nodeUp', node));
    node.on('down', (reason) => this.safeEmit('nodeDown', node, reason));
  }

  /** Forgets a node and closes its connection; its rooms are reported down. */
  remove(id: string): void {
    const node = this.#nodes.get(id);
    if (!node) return;
    this.#nodes.delete(id);
    node.close();
  }

  get(id: string): MediaNode | undefined {
    return this.#nodes.get(id);
  }

  all(): MediaNode[] {
    return [...this.#nodes.values()];
  }

  healthy(): MediaNode[] {
    return this.all().filter((n) => n.healthy);
  }

  /**
   * The node for a session's room: the one it is on while that node is healthy, else the
   * least-loaded healthy node, recorded for every instance by compare-and-set.
   */
  async place(sessionId: string): Promise<MediaNode> {
    const healthy = this.healthy();
    if (healthy.length === 0)
      throw new DomainError('media_unavailable', 'the media server is restarting; try again in a moment');
    const current = await this.store.sessionNode(sessionId);
    const kept = healthy.find((n) => n.id === current);
    if (kept) return kept;
    const choice = healthy.length === 1 ? healthy[0]! : leastLoaded(healthy, await this.store.activeRooms());
    if (await this.store.claimSessionNode(sessionId, current, choice.id)) return choice;
    // Another instance placed it at the same moment: follow its choice when this instance can use it.
    const now = await this.store.sessionNode(sessionId);
    return healthy.find((n) => n.id === now) ?? choice;
  }

  /** Starts every node's connection (they reconnect by themselves after that). */
  start(): void {
    for (const node of this.#nodes.values()) void node.start();
  }

  close(): void {
    for (const id of [...this.#nodes.keys()]) this.remove(id);
  }
}
