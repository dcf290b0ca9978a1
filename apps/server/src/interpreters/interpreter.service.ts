import type {
  InterpreterInvite,
  InterpreterInviteCreated,
  InterpreterInviteRequest,
} from '@sightline/protocol';
import {
  InterpreterKind,
  InterpreterState,
  InterpreterInviteRequest as InviteSchema,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import { hashSecret, type Random } from '../adapters/random.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { EventBus } from '../events/event-bus.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SessionService } from '../sessions/session.service.js';
import {
  ACTIVE_INTERPRETER,
  type InterpreterRepository,
  type InterpreterRow,
} from './interpreter.repository.js';

type Officer = Actor & { type: 'officer' };
export type InterpreterActor = { type: 'interpreter'; id: string; name: string };

const TOKEN_BYTES = 32;
/** The session states in which an interpreter may be invited or join: the caller has agreed and it runs. */
const RUNNING = ['consented', 'live'];
const unavailable = () => new DomainError('link_unavailable', 'this link cannot be used');
const alreadyInvited = () =>
  new DomainError('conflict', 'an interpreter is already invited to this call; remove them first');

/**
 * Interpreters in a live call: an officer invites one by a single-use link that must be opened
 * within `openMinutes`; opening binds it to one browser (a device secret, as for callers); the
 * interpreter consents to recording and joins; an officer removes them, the caller may decline
 * them, and the session's end ends them. Every step is audited and on the session's timeline.
 * Publishes `interpreter.joined` and `interpreter.ended` (sockets and media may be elsewhere).
 * The caller's session ending ends them too (the container calls endAll on the instance that ended it).
 */
export class InterpreterService {
  constructor(
    private readonly repo: InterpreterRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly events: EventBus,
    private readonly settings: { publicUrl: URL; openMinutes: number },
    private readonly log: Logger,
  ) {}

  /** Invites an interpreter into a running session; returns the link, once. One at a time per session. */
  async invite(
    officer: Officer,
    sessionId: string,
    input: InterpreterInviteRequest,
    ip: string | null,
  ): Promise<InterpreterInviteCreated> {
    const req = InviteSchema.parse(input);
    const session = await this.requireRunning(sessionId);
    // Joining turns on the officer's camera for them: a location-only caller never agreed to video.
    if (session.mode === 'location')
      throw new DomainError('interpreter_needs_video', 'a location-only link has no call to interpret');
    await this.expireDue(sessionId);
    if ((await this.repo.activeOf(sessionId)).length > 0) throw alreadyInvited();
    const now = this.clock.now();
    const token = this.random.secret(TOKEN_BYTES);
    const row: InterpreterRow = {
      id: this.random.id(),
      session_id: sessionId,
      token_hash: hashSecret(token),
      name: req.name,
      kind: req.kind,
      language: req.language,
      organisation: req.organisation,
      booking_ref: req.bookingRef,
      state: 'invited',
      invited_by: officer.id,
      invited_by_name: officer.name,
      created_at: now,
      open_by: now + this.settings.openMinutes * 60_000,
      opened_at: null,
      device_secret_hash: null,
      consented_at: null,
      ended_at: null,
      end_reason: null,
    };
    // Two invites at once both pass the check above: the unique index (0031) lets one through.
    if (!(await this.repo.insert(row))) throw alreadyInvited();
    await this.audit.record({
      actor: officer,
      action: 'interpreter.invite',
      subject: { type: 'session', id: sessionId },
      detail: { interpreterId: row.id, kind: row.kind, language: row.language, openBy: row.open_by },
      ip,
    });
    await this.sessions.addEvent(sessionId, 'interpreter.invited', officer.name, describe(row));
    const url = new URL(`/i/${token}`, this.settings.publicUrl).toString();
    return { invite: toInvite(row), url };
  }

  /** Every interpreter invited to the session (personal data: the read is audited by the route). */
  async list(sessionId: string): Promise<InterpreterInvite[]> {
    await this.sessions.get(sessionId);
    await this.expireDue(sessionId);
    return (await this.repo.forSession(sessionId)).map(toInvite);
  }

  /** An officer revokes an unopened link or removes the interpreter from the call. */
  async remove(officer: Officer, interpreterId: string, ip: string | null): Promise<InterpreterInvite> {
    const row = await this.repo.byId(interpreterId);
    if (!row) throw notFound('interpreter');
    const ended = await this.end(row, 'removed by an officer', officer, ip);
    if (!ended) throw new DomainError('conflict', 'this interpreter has already left');
    return toInvite((await this.repo.byId(interpreterId)) ?? row);
  }

  /**
   * Claims the link for this browser, once (a reload presents the device secret instead).
   * Returns a new device secret the first time. Refusals are audited with the link's state.
   */
  async open(
    token: string,
    deviceSecret: string | undefined,
    ip: string | null,
  ): Promise<{ interpreterId: string; newSecret: string | null }> {
    const row = await this.repo.byTokenHash(hashSecret(token));
    if (!row) throw unavailable();
    const now = this.clock.now();
    const refuse = async (why: string) => {
      await this.audit.record({
        actor: SYSTEM,
        action: 'interpreter.open_refused',
        subject: { type: 'session', id: row.session_id },
        detail: { interpreterId: row.id, state: row.state, why },
        ip,
      });
      return unavailable();
    };
    if (row.state === 'invited') {
      if (Number(row.open_by) <= now) {
        await this.expire(row);
        throw await refuse('expired');
      }
      if (!(await this.isRunning(row.session_id))) throw await refuse('session not live');
      const secret = this.random.secret(TOKEN_BYTES);
      const claimed = await this.repo.transition(row.id, ['invited'], {
        state: 'opened',
        opened_at: now,
        device_secret_hash: hashSecret(secret),
      });
      if (!claimed) throw await refuse('opened elsewhere');
      await this.audit.record({
        actor: interpreterActor(row),
        action: 'interpreter.open',
        subject: { type: 'session', id: row.session_id },
        ip,
      });
      await this.sessions.addEvent(row.session_id, 'interpreter.opened', row.name, null);
      return { interpreterId: row.id, newSecret: secret };
    }
    const mine = deviceSecret !== undefined && row.device_secret_hash === hashSecret(deviceSecret);
    if (mine && (row.state === 'opened' || row.state === 'joined'))
      return { interpreterId: row.id, newSecret: null };
    throw await refuse(mine ? row.state : 'already used');
  }

  /** The interpreter a browser's device secret belongs to, while they still have a place in a running call. */
  async authenticate(secret: string | undefined): Promise<InterpreterRow | null> {
    if (!secret || secret.length > 128) return null;
    const row = await this.repo.byDeviceSecretHash(hashSecret(secret));
    if (!row || (row.state !== 'opened' && row.state !== 'joined')) return null;
    return (await this.isRunning(row.session_id)) ? row : null;
  }

  async get(id: string): Promise<InterpreterRow> {
    const row = await this.repo.byId(id);
    if (!row) throw notFound('interpreter');
    return row;
  }

  /** The interpreter agrees to be recorded and joins, or refuses and leaves. */
  async consent(id: string, decision: 'accepted' | 'refused', ip: string | null): Promise<void> {
    const row = await this.get(id);
    const actor = interpreterActor(row);
    if (decision === 'refused') {
      await this.end(row, 'the interpreter refused recording', actor, ip);
      return;
    }
    if (row.state === 'joined') return;
    await this.requireRunning(row.session_id);
    const now = this.clock.now();
    if (!(await this.repo.transition(id, ['opened'], { state: 'joined', consented_at: now })))
      throw new DomainError('already_decided', 'this link has already been used');
    await this.audit.record({
      actor,
      action: 'interpreter.consent',
      subject: { type: 'session', id: row.session_id },
      detail: { decision, at: now },
      ip,
    });
    await this.sessions.addEvent(row.session_id, 'interpreter.joined', row.name, describe(row));
    this.events.publish('interpreter.joined', {
      sessionId: row.session_id,
      interpreterId: id,
      kind: InterpreterKind.parse(row.kind),
      language: row.language,
    });
  }

  /** The interpreter's own page left the call. */
  async leave(id: string, ip: string | null): Promise<void> {
    const row = await this.get(id);
    await this.end(row, 'the interpreter left', interpreterActor(row), ip);
  }

  /** The caller declined the interpreter: they leave the call. */
  async declineByCaller(sessionId: string, ip: string | null): Promise<void> {
    for (const row of await this.repo.activeOf(sessionId))
      await this.end(row, 'declined by the caller', { type: 'caller', sessionId }, ip);
  }

  /** The session's joined interpreter, if any (a caller reconnecting is told they are in the call). */
  async joinedIn(sessionId: string): Promise<InterpreterRow | null> {
    return (await this.repo.activeOf(sessionId)).find((r) => r.state === 'joined') ?? null;
  }

  /**
   * Whether the session has an interpreter (that one, given an id) who has joined: the officer's
   * camera is allowed then, and only a joined interpreter's own media.
   */
  async hasJoined(sessionId: string, interpreterId?: string): Promise<boolean> {
    return (await this.repo.activeOf(sessionId)).some(
      (r) => r.state === 'joined' && (interpreterId === undefined || r.id === interpreterId),
    );
  }

  /** The session ended: so does every interpreter's place in it (called once, where it ended). */
  async endAll(sessionId: string): Promise<void> {
    try {
      for (const row of await this.repo.activeOf(sessionId))
        await this.end(row, 'the session ended', SYSTEM, null);
    } catch (err) {
      this.log.error({ err, sessionId }, 'interpreters: could not end with the session');
    }
  }

  /** Ends one interpreter's place (revoked if never opened); false if it had already ended. */
  private async end(row: InterpreterRow, reason: string, actor: Actor, ip: string | null): Promise<boolean> {
    const now = this.clock.now();
    const state = row.state === 'invited' ? 'revoked' : 'left';
    const done = await this.repo.transition(row.id, ACTIVE_INTERPRETER, {
      state,
      ended_at: now,
      end_reason: reason,
    });
    if (!done) return false;
    await this.audit.record({
      actor,
      action: state === 'revoked' ? 'interpreter.revoke' : 'interpreter.end',
      subject: { type: 'session', id: row.session_id },
      detail: { interpreterId: row.id, reason },
      ip,
    });
    const who = actor.type === 'officer' ? actor.name : actor.type === 'interpreter' ? row.name : actor.type;
    await this.sessions.addEvent(row.session_id, `interpreter.${state}`, who, reason);
    this.events.publish('interpreter.ended', { sessionId: row.session_id, interpreterId: row.id, reason });
    return true;
  }

  private async expireDue(sessionId: string): Promise<void> {
    const now = this.clock.now();
    for (const row of await this.repo.activeOf(sessionId))
      if (row.state === 'invited' && Number(row.open_by) <= now) await this.expire(row);
  }

  private async expire(row: InterpreterRow): Promise<void> {
    const now = this.clock.now();
    if (
      !(await this.repo.transition(row.id, ['invited'], {
        state: 'expired',
        ended_at: now,
        end_reason: 'not opened in time',
      }))
    )
      return;
    await this.audit.record({
      actor: SYSTEM,
      action: 'interpreter.expire',
      subject: { type: 'session', id: row.session_id },
      detail: { interpreterId: row.id },
    });
    await this.sessions.addEvent(row.session_id, 'interpreter.expired', null, row.name);
  }

  private async isRunning(sessionId: string): Promise<boolean> {
    const s = await this.sessions.get(sessionId).catch(() => null);
    return s !== null && RUNNING.includes(s.state);
  }

  private async requireRunning(sessionId: string) {
    const s = await this.sessions.get(sessionId);
    if (!RUNNING.includes(s.state))
      throw new DomainError('session_not_live', 'an interpreter can join only a call in progress');
    return s;
  }
}

export function interpreterActor(row: InterpreterRow): InterpreterActor {
  return { type: 'interpreter', id: row.id, name: row.name };
}

function describe(row: InterpreterRow): string {
  const ref = row.booking_ref ? `, booking ${row.booking_ref}` : '';
  return `${row.name} (${row.language}, ${row.organisation}${ref})`;
}

export function toInvite(row: InterpreterRow): InterpreterInvite {
  return {
    id: row.id,
    sessionId: row.session_id,
    name: row.name,
    kind: InterpreterKind.parse(row.kind),
    language: row.language,
    organisation: row.organisation,
    bookingRef: row.booking_ref,
    state: InterpreterState.parse(row.state),
    invitedBy: row.invited_by_name,
    createdAt: Number(row.created_at),
    openBy: Number(row.open_by),
    openedAt: row.opened_at === null ? null : Number(row.opened_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    endReason: row.end_reason,
  };
}
