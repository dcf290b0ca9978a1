import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JanusConnection } from '../../adapters/janus/janus-connection.js';
import type { JanusHandle } from '../../adapters/janus/janus-handle.js';
import type { VideoRoomApi } from '../../adapters/janus/videoroom.js';
import { TypedEmitter } from '../../lib/typed-emitter.js';

export interface MediaNodeEvents {
  /** A (re)connection to this node's Janus succeeded. */
  up: () => void;
  /** The connection dropped: every handle and room on it is gone for this server. */
  down: (reason: string) => void;
}

/** What a node reported in its last heartbeat (cluster mode); the embedded node reports nothing. */
export interface NodeLoad {
  rooms: number;
  publishers: number;
  /** Janus's CPU use, in cores (1.0 = one core busy). */
  cpu: number;
}

export interface MediaNodeOptions {
  id: string;
  connection: JanusConnection;
  api: VideoRoomApi;
  /** Where this node's Janus writes recordings, as a path on the node's own machine. */
  spoolDir: string;
  /** True when the spool is on this machine (the embedded Janus): this process seals and ingests it. */
  local: boolean;
}

/**
 * One Janus as a server instance sees it: the connection, the VideoRoom API with its admin
 * handle, the spool its recordings go to, and whether new rooms may be placed on it.
 */
export class MediaNode extends TypedEmitter<MediaNodeEvents> {
  readonly id: string;
  readonly connection: JanusConnection;
  readonly api: VideoRoomApi;
  readonly spoolDir: string;
  readonly local: boolean;
  /** Rooms this server created on the node since the connection last came up. */
  readonly #rooms = new Set<string>();
  #admin: Promise<JanusHandle> | null = null;
  /** Cluster mode: false once the node's heartbeat is stale or it said it is stopping. */
  #placeable = true;
  #load: NodeLoad = { rooms: 0, publishers: 0, cpu: 0 };

  constructor(o: MediaNodeOptions) {
    super();
    this.id = o.id;
    this.connection = o.connection;
    this.api = o.api;
    this.spoolDir = o.spoolDir;
    this.local = o.local;
    o.connection.on('connected', () => this.safeEmit('up'));
    o.connection.on('disconnected', (reason) => {
      this.#admin = null;
      this.#rooms.clear();
      this.safeEmit('down', reason);
    });
  }

  /** Connected, and (in cluster mode) heartbeating: new rooms may go here. */
  get healthy(): boolean {
    return this.connection.ready && this.#placeable;
  }

  get load(): NodeLoad {
    return this.#load;
  }

  /** Cluster discovery reports the node's heartbeat: fresh (placeable) or not, and its load. */
  report(placeable: boolean, load: NodeLoad): void {
    this.#placeable = placeable;
    this.#load = load;
  }

  /** Folder this node's Janus records a session into (a path on the node's machine). */
  spoolFor(sessionId: string): string {
    return join(this.spoolDir, sessionId);
  }

  /** Creates the session's room on this node, once per connection (Janus treats a repeat as success). */
  async createRoom(sessionId: string, bitrate: number): Promise<void> {
    if (this.#rooms.has(sessionId)) return;
    // A remote node's Janus creates the folder itself, inside its private spool.
    if (this.local) await mkdir(this.spoolFor(sessionId), { recursive: true, mode: 0o700 });
    await this.api.createRoom(await this.adminHandle(), {
      room: sessionId,
      description: `session ${sessionId}`,
      recDir: this.spoolFor(sessionId),
      bitrate,
      firFreq: 10,
    });
    this.#rooms.add(sessionId);
  }

  /** Destroys the session's room if this server created it and the node is still connected. */
  async destroyRoom(sessionId: string): Promise<void> {
    if (!this.#rooms.delete(sessionId) || !this.connection.ready) return;
    await this.api.destroyRoom(await this.adminHandle(), sessionId);
  }

  /** This server no longer uses the room (another instance may): it is created again if needed. */
  forgetRoom(sessionId: string): void {
    this.#rooms.delete(sessionId);
  }

  /** Starts connecting (reconnects forever); resolves on the first connection. */
  start(): Promise<void> {
    return this.connection.start();
  }

  close(): void {
    this.connection.close();
    this.removeAllListeners();
  }

  private adminHandle(): Promise<JanusHandle> {
    this.#admin ??= this.api.attach('sightline-admin').catch((err: unknown) => {
      this.#admin = null;
      throw err;
    });
    return this.#admin;
  }
}
