import type { LibraryQuery, LibrarySession, Note } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { PhoneHasher } from '../adapters/keys/phone-hasher.js';
import type { Random } from '../adapters/random.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { parseMobileNumber } from '../invites/phone.js';
import { notFound } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import type { LibraryRepository } from './library.repository.js';

type Officer = Actor & { type: 'officer' };

/** Searching the evidence library and subject-access requests, and officers' notes. All audited. */
export class LibraryService {
  constructor(
    private readonly db: Db,
    private readonly repo: LibraryRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly defaultRegion: string,
    /** Disposed sessions keep the number only as this hash: searches by number still find them. */
    private readonly hashPhone: PhoneHasher,
  ) {}

  async search(q: LibraryQuery, officer: Officer, ip: string | null): Promise<LibrarySession[]> {
    const phone = q.phone ? parseMobileNumber(q.phone, this.defaultRegion) : null;
    const sessions = await this.repo.find({
      ...q,
      phoneE164: phone?.e164,
      phoneHashed: phone ? this.hashPhone(phone.e164) : undefined,
    });
    await this.audit.record({
      actor: officer,
      action: 'library.search',
      detail: { ...q, phone: phone?.masked, results: sessions.length },
      ip,
    });
    return sessions;
  }

  /** One session's library record (summary plus retention facts). */
  async one(id: string): Promise<LibrarySession> {
    const s = await this.repo.one(id);
    if (!s) throw notFound('session');
    return s;
  }

  /** Every session for one phone number in a time range (right of access, DPA 2018 / UK GDPR art. 15). */
  async subjectAccess(
    q: { phone: string; from?: number | undefined; to?: number | undefined },
    officer: Officer,
    ip: string | null,
  ): Promise<LibrarySession[]> {
    const phone = parseMobileNumber(q.phone, this.defaultRegion);
    const sessions = await this.repo.find({
      phoneE164: phone.e164,
      phoneHashed: this.hashPhone(phone.e164),
      from: q.from,
      to: q.to,
      limit: 500,
    });
    await this.audit.record({
      actor: officer,
      action: 'sar.search',
      detail: {
        phone: phone.masked,
        from: q.from ?? null,
        to: q.to ?? null,
        results: sessions.map((s) => s.id),
      },
      ip,
    });
    return sessions;
  }

  async notes(sessionId: string): Promise<Note[]> {
    await this.sessions.get(sessionId);
    const rows = await this.db
      .selectFrom('notes as n')
      .innerJoin('officers as o', 'o.id', 'n.author_id')
      .selectAll('n')
      .select('o.display_name as author_name')
      .where('n.session_id', '=', sessionId)
      .orderBy('n.created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      kind: r.kind as Note['kind'],
      text: r.text,
      mediaTime: r.media_time,
      recordingId: r.recording_id,
      at: Number(r.at),
      createdAt: Number(r.created_at),
      author: { id: r.author_id, name: r.author_name },
    }));
  }

  /** Adds a note or bookmark. Notes are append-only: a correction is a new note. */
  async addNote(
    sessionId: string,
    officer: Officer,
    input: {
      kind: 'note' | 'bookmark';
      text: string;
      mediaTime?: number | undefined;
      recordingId?: string | undefined;
      at?: number | undefined;
    },
    ip: string | null,
  ): Promise<Note> {
    await this.sessions.get(sessionId);
    const now = this.clock.now();
    const id = this.random.id();
    await this.db
      .insertInto('notes')
      .values({
        id,
        session_id: sessionId,
        kind: input.kind,
        text: input.text,
        media_time: input.mediaTime ?? null,
        recording_id: input.recordingId ?? null,
        at: input.at ?? now,
        created_at: now,
        author_id: officer.id,
      })
      .execute();
    await this.audit.record({
      actor: officer,
      action: 'note.create',
      subject: { type: 'session', id: sessionId },
      detail: { noteId: id, kind: input.kind },
      ip,
    });
    await this.sessions.addEvent(sessionId, `${input.kind}.added`, officer.name, input.text.slice(0, 120));
    return (await this.notes(sessionId)).find((n) => n.id === id)!;
  }
}
