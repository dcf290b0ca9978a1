import type { ConsentText, Outcome, ReceivedFix, TimelineEvent } from '@sightline/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../../adapters/db/database.js';
import type {
  AuditEventsTable,
  EvidenceItemsTable,
  MessagesTable,
  NotesTable,
  RecordingsTable,
  SealsTable,
  SessionsTable,
} from '../../adapters/db/schema.js';
import { notFound } from '../../lib/errors.js';
import { toOutcomes } from '../../outcomes/outcome.repository.js';
import { ConsentTextRepository } from '../../privacy/consent-text.repository.js';
import { toFix } from '../../sessions/session.repository.js';
import { summariseUserAgent } from '../../sessions/session.service.js';

/** An interpreter invited into the session; name, organisation and booking are null in a SAR package. */
export interface DossierInterpreter {
  id: string;
  kind: string;
  language: string;
  name: string | null;
  organisation: string | null;
  bookingRef: string | null;
}

/** Everything recorded about one session, as exports and manifests need it. */
export interface Dossier {
  session: Selectable<SessionsTable>;
  createdByName: string;
  timeline: TimelineEvent[];
  track: ReceivedFix[];
  items: Selectable<EvidenceItemsTable>[];
  recordings: Selectable<RecordingsTable>[];
  /** Whose camera an interpreter's recording is (recordings.interpreter_id). */
  interpreters: DossierInterpreter[];
  seals: Map<string, Selectable<SealsTable>[]>;
  notes: Array<Selectable<NotesTable> & { author_name: string }>;
  messages: Selectable<MessagesTable>[];
  /** Pilot workflows' outcomes, corrections included (append-only). */
  outcomes: Outcome[];
  audit: Selectable<AuditEventsTable>[];
  /** The exact words each consent decision was made on, by text version (consent_texts). */
  consentTexts: Map<string, { language: string; text: ConsentText }>;
  deviceSummary: string | null;
  viewers: Array<{ id: string; name: string; firstViewedAt: number; views: number }>;
}

/** Loads a session's dossier from the database (read-only). */
export async function loadDossier(db: Db, sessionId: string): Promise<Dossier> {
  const session = await db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
  if (!session) throw notFound('session');
  const creator = await db
    .selectFrom('officers')
    .select('display_name')
    .where('id', '=', session.created_by)
    .executeTakeFirst();
  const timeline = (
    await db
      .selectFrom('session_events')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('at')
      .orderBy('id')
      .execute()
  ).map((r) => ({ id: r.id, at: Number(r.at), type: r.type, actor: r.actor, detail: r.detail }));
  const track = (
    await db
      .selectFrom('location_fixes')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('id')
      .execute()
  ).map(toFix);
  const items = await db
    .selectFrom('evidence_items')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .execute();
  const recordings = await db
    .selectFrom('recordings')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('started_at')
    .execute();
  const interpreters = (
    await db
      .selectFrom('interpreters')
      .select(['id', 'kind', 'language', 'name', 'organisation', 'booking_ref'])
      .where('session_id', '=', sessionId)
      .orderBy('created_at')
      .execute()
  ).map(({ booking_ref, ...i }) => ({ ...i, bookingRef: booking_ref }));
  const sealRows = await db
    .selectFrom('seals')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('recording_id')
    .orderBy('seq')
    .execute();
  const seals = new Map<string, Selectable<SealsTable>[]>();
  for (const s of sealRows) seals.set(s.recording_id, [...(seals.get(s.recording_id) ?? []), s]);
  const notes = await db
    .selectFrom('notes as n')
    .innerJoin('officers as o', 'o.id', 'n.author_id')
    .selectAll('n')
    .select('o.display_name as author_name')
    .where('n.session_id', '=', sessionId)
    .orderBy('n.created_at')
    .execute();
  const messages = await db
    .selectFrom('messages')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('seq')
    .execute();
  const outcomes = toOutcomes(
    await db
      .selectFrom('outcomes')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute(),
  );
  const subjects = [sessionId, ...items.map((i) => i.id), ...recordings.map((r) => r.id)];
  const own = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('subject_id', 'in', subjects)
    .orderBy('seq')
    .execute();
  // Who it was shared with, when, and when that ended: the shares' own entries (subject `share`),
  // for shares of the session and of every incident it has been in.
  const shares = await sharesOf(db, sessionId, incidentsOf(session.incident_id, own));
  const audit = shares.length
    ? await db
        .selectFrom('audit_events')
        .selectAll()
        .where('subject_id', 'in', [...subjects, ...shares])
        .orderBy('seq')
        .execute()
    : own;
  const viewers = new Map<string, { id: string; name: string; firstViewedAt: number; views: number }>();
  for (const a of audit) {
    if (a.action !== 'view.start' || !a.actor_id) continue;
    const v = viewers.get(a.actor_id) ?? {
      id: a.actor_id,
      name: a.actor_name ?? '',
      firstViewedAt: Number(a.at),
      views: 0,
    };
    v.views++;
    viewers.set(a.actor_id, v);
  }
  const versions = audit.flatMap((a) =>
    a.action.startsWith('consent.') ? [consentDetail(a).textVersion] : [],
  );
  const consentTexts = new Map(
    (await new ConsentTextRepository(db).many(versions.filter((v): v is string => !!v))).map((r) => [
      r.version,
      { language: r.language, text: JSON.parse(r.body) as ConsentText },
    ]),
  );
  return {
    session,
    createdByName: creator?.display_name ?? session.created_by,
    timeline,
    track,
    items,
    recordings,
    interpreters,
    seals,
    notes,
    messages,
    outcomes,
    audit,
    consentTexts,
    deviceSummary: summariseUserAgent(session.caller_user_agent),
    viewers: [...viewers.values()],
  };
}

/** The incident the session is in now and every one its trail says it joined or left. */
function incidentsOf(current: string | null, audit: Selectable<AuditEventsTable>[]): string[] {
  const ids = new Set(current ? [current] : []);
  for (const a of audit) {
    if (!a.action.startsWith('incident.session_') || !a.detail) continue;
    const d = JSON.parse(a.detail) as { incidentId?: unknown; from?: unknown };
    for (const id of [d.incidentId, d.from]) if (typeof id === 'string') ids.add(id);
  }
  return [...ids];
}

/** Ids of the shares that named the session, or one of the incidents. */
async function sharesOf(db: Db, sessionId: string, incidentIds: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('shares')
    .select('id')
    .where((eb) =>
      incidentIds.length
        ? eb.or([eb('session_id', '=', sessionId), eb('incident_id', 'in', incidentIds)])
        : eb('session_id', '=', sessionId),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** A consent entry's language and text version (null in entries from before they were recorded). */
export function consentDetail(a: Selectable<AuditEventsTable>): {
  language: string | null;
  textVersion: string | null;
} {
  const d = a.detail ? (JSON.parse(a.detail) as { language?: unknown; textVersion?: unknown }) : {};
  return {
    language: typeof d.language === 'string' ? d.language : null,
    textVersion: typeof d.textVersion === 'string' ? d.textVersion : null,
  };
}
