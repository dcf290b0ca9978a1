import { open, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StorageAreaStatus, StorageStatus } from '@sightline/protocol';
import type { EventPublisher } from '../../events/event-bus.js';
import { DomainError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../clock.js';
import { EvidenceStoreGoneError } from './evidence-store.js';

/** The evidence store, or the spool (data directory) where uploads, copies and recordings wait. */
export type StorageArea = 'evidence' | 'spool';
type Problem = 'full' | 'read-only' | 'unreachable';

const AREA_NAME: Record<StorageArea, string> = {
  evidence: 'the evidence store',
  spool: "the server's spool (data directory)",
};
/** While an area is unhealthy, it is probed this often; the first good probe retries what waits. */
const PROBE_EVERY_MS = 2_000;

/** The network failing under an object store, or the store saying it cannot serve now (5xx). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** ENOSPC / EDQUOT → full, EROFS → read-only; anything else is not a disk condition. */
export function storageProblem(err: unknown): Problem | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code === 'EROFS') return 'read-only';
  return null;
}

/**
 * An object store that cannot be reached: the network failing under it, or S3 answering 5xx.
 * Only for the evidence area: on the spool's side the same codes are a phone hanging up.
 */
export function unreachable(err: unknown): boolean {
  if (err instanceof EvidenceStoreGoneError) return true;
  const e = err as (NodeJS.ErrnoException & { $metadata?: { httpStatusCode?: number } }) | null;
  if (e?.code && NETWORK_CODES.has(e.code)) return true;
  return (e?.$metadata?.httpStatusCode ?? 0) >= 500 || e?.name === 'TimeoutError';
}

/** "the evidence store is full (no space left on its disk)", for officers and export errors. */
export function describeProblem(area: StorageArea, problem: Problem): string {
  if (problem === 'full') return `${AREA_NAME[area]} is full (no space left on its disk)`;
  if (problem === 'read-only')
    return `${AREA_NAME[area]} is read-only (its disk was mounted read-only or failed)`;
  return `${AREA_NAME[area]} cannot be reached (the network to it, or the store itself, is down)`;
}

/** The error's message: the cause, and that nothing sent is lost (the caller's page shows its own translated words for the code). */
export const storageErrorMessage = (cause: string) =>
  `Cannot store files right now: ${cause}. What was sent is kept and will be stored when it can be.`;

/**
 * Whether the evidence store and the spool can be written. Writers report failures
 * (`fail`) and successes (`ok`); while an area is down it is probed, so recovery is
 * noticed without waiting for a caller. Consoles and GET /api/system/status show it.
 * Publishes `storage.changed` and, when an area takes writes again, `storage.recovered`
 * (retry what waits); both stay on this instance, whose disks they describe.
 */
export class StorageHealth {
  readonly #areas: Record<StorageArea, StorageAreaStatus>;
  readonly #probeDir: Partial<Record<StorageArea, string>> = {};
  /** How to test an area that is not a local directory (an S3 bucket). */
  readonly #probes: Partial<Record<StorageArea, () => Promise<void>>> = {};
  #timer: NodeJS.Timeout | null = null;
  #probing = false;

  constructor(
    private readonly roots: Record<StorageArea, string>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly events: EventPublisher,
  ) {
    const ok = (): StorageAreaStatus => ({ state: 'ok', since: clock.now(), message: null });
    this.#areas = { evidence: ok(), spool: ok() };
  }

  /** Tests `area` with `probe` rather than by writing a file into its directory. */
  probeWith(area: StorageArea, probe: () => Promise<void>): void {
    this.#probes[area] = probe;
  }

  get status(): StorageStatus {
    return { evidence: { ...this.#areas.evidence }, spool: { ...this.#areas.spool } };
  }

  /**
   * Turns a write failure into what the caller sees: a full, read-only or unreachable area becomes a
   * `storage_unavailable` DomainError (and an alert); anything else is returned as it was.
   */
  fail(area: StorageArea, err: unknown): unknown {
    if (err instanceof DomainError) return err;
    const problem = storageProblem(err) ?? (area === 'evidence' && unreachable(err) ? 'unreachable' : null);
    if (!problem) return err;
    const path = (err as NodeJS.ErrnoException).path;
    this.#probeDir[area] = path ? dirname(path) : this.roots[area];
    const message = describeProblem(area, problem);
    if (this.#areas[area].state !== problem) {
      this.#areas[area] = { state: problem, since: this.clock.now(), message };
      this.log.error({ area, err }, `storage: ${message}`);
      this.events.publish('storage.changed', { status: this.status });
    }
    this.startProbing();
    return new DomainError('storage_unavailable', storageErrorMessage(message));
  }

  /** A write to `area` succeeded. */
  ok(area: StorageArea): void {
    if (this.#areas[area].state === 'ok') return;
    this.#areas[area] = { state: 'ok', since: this.clock.now(), message: null };
    this.log.info({ area }, 'storage: writable again');
    this.events.publish('storage.changed', { status: this.status });
    this.events.publish('storage.recovered', { area });
  }

  /** Runs `write` against `area`, reporting the outcome. */
  async guard<T>(area: StorageArea, write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      this.ok(area);
      return result;
    } catch (err) {
      throw this.fail(area, await this.explain(area, err));
    }
  }

  /**
   * Node's recursive mkdir reports a read-only disk as ENOENT; when the area's root is
   * there, a probe write finds the real cause.
   */
  private async explain(area: StorageArea, err: unknown): Promise<unknown> {
    const e = err as NodeJS.ErrnoException;
    if (e?.code !== 'ENOENT' || e.syscall !== 'mkdir') return err;
    try {
      await this.tryWrite(this.roots[area]);
      return err;
    } catch (probeErr) {
      return storageProblem(probeErr) ? probeErr : err;
    }
  }

  private async tryWrite(dir: string): Promise<void> {
    const path = join(dir, `.probe-${process.pid}`);
    // A page of data and an fsync: a nearly full disk that takes a name but no bytes is still full.
    const fh = await open(path, 'w', 0o600);
    try {
      await fh.write(Buffer.alloc(64 * 1024));
      await fh.sync();
    } finally {
      await fh.close();
      await unlink(path).catch(() => {});
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  private startProbing(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.probe(), PROBE_EVERY_MS);
    this.#timer.unref();
  }

  private async probe(): Promise<void> {
    // One probe at a time: a bucket that never answers must not gather a pile of them.
    if (this.#probing) return;
    this.#probing = true;
    try {
      await this.probeOnce();
    } finally {
      this.#probing = false;
    }
  }

  private async probeOnce(): Promise<void> {
    let down = 0;
    for (const area of ['evidence', 'spool'] as const) {
      if (this.#areas[area].state === 'ok') continue;
      try {
        const probe = this.#probes[area];
        await (probe ? probe() : this.tryWrite(this.#probeDir[area] ?? this.roots[area]));
        this.ok(area);
      } catch {
        down++;
      }
    }
    if (down === 0) this.stop();
  }
}
