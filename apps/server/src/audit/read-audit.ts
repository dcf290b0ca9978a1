import type { Clock } from '../adapters/clock.js';
import type { Actor, AuditService } from './audit.service.js';

/**
 * A repeat of the same read (same officer, action, subject and content) within this long
 * is the same read: the console re-fetches a session's chat, notes and evidence
 * whenever they change, and one officer looking at one session for a few minutes
 * should be one entry, not dozens. A read after a longer gap is a new entry.
 */
export const READ_COALESCE_MS = 5 * 60_000;

/** Above this many remembered reads, forget the ones whose window has passed. */
const PRUNE_AT = 10_000;

/**
 * Audits reads of evidence and personal data (who read what, when, from where),
 * coalescing repeats so the trail records each read without flooding. The memory
 * is per process: after a restart the first read is recorded again.
 */
export class ReadAudit {
  readonly #last = new Map<string, number>();

  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly windowMs = READ_COALESCE_MS,
  ) {}

  /** Records that `actor` read `subject` (unless they did within the window). */
  async record(input: {
    actor: Actor;
    action: string;
    subject: { type: string; id: string };
    detail?: Record<string, unknown>;
    ip?: string | null;
    /** Reads of the same subject told apart (one incident share used for each of its sessions). */
    scope?: string;
    /**
     * What the read showed, where it can change between reads (a live position, the evidence
     * list): a read showing other content is a new entry, so the trail says when it was first seen.
     */
    content?: string;
  }): Promise<void> {
    const { scope, content, ...entry } = input;
    const who = 'id' in input.actor ? `${input.actor.type}:${input.actor.id}` : input.actor.type;
    const key = [
      who,
      input.action,
      `${input.subject.type}:${input.subject.id}`,
      scope ?? '',
      content ?? '',
    ].join('\n');
    const now = this.clock.now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.windowMs) return;
    this.#last.set(key, now);
    if (this.#last.size > PRUNE_AT) {
      for (const [k, at] of this.#last) if (now - at >= this.windowMs) this.#last.delete(k);
    }
    try {
      await this.audit.record(entry);
    } catch (err) {
      // Not recorded: the next read must try again, and this one fails rather than go unaudited.
      this.#last.delete(key);
      throw err;
    }
  }
}
