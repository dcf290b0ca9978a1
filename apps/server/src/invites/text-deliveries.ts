import type { TextDelivery, TextList, TextRoute } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { SecretBox } from '../adapters/keys/secret-box.js';
import type { Random } from '../adapters/random.js';
import {
  type GatewayName,
  type SmsGateway,
  type SmsMessage,
  SmsSendError,
  type StatusReport,
} from '../adapters/sms/sms-gateway.js';
import type { Logger } from '../lib/logger.js';
import type { SessionService } from '../sessions/session.service.js';
import { type DeliveryRow, SmsDeliveryRepository, toTextDelivery } from './sms-delivery.repository.js';

/** The configured gateways: the one every text goes by, and the other route. */
export interface Gateways {
  primary: SmsGateway;
  fallback: SmsGateway | null;
}

/** One press of Send (or resend), already claimed by its try-1 row. */
export interface Press {
  claimId: string;
  sessionId: string;
  key: string;
  attempt: number;
  route: TextRoute;
  officerId: string;
  officerName: string;
  message: Omit<SmsMessage, 'reference'>;
}

/** A report for a text we have not stored the reference of yet is tried again this often. */
const EARLY_REPORT_RETRIES = 10;
const EARLY_REPORT_WAIT_MS = 200;
/** Polling (Notify without a callback) gives up on a text after this long. */
const POLL_WINDOW_MS = 24 * 3_600_000;
/**
 * A claimed text still without the provider's answer after this long was cut off (the instance
 * sending it stopped between claim and answer): longer than two tries at the longest send
 * timeout (SIGHTLINE_SMS_TIMEOUT_SECONDS ≤ 120), so a send still in progress is never taken.
 */
export const UNANSWERED_AFTER_MS = 5 * 60_000;

/**
 * Sends a press's text and follows what becomes of it. The rule for a second try (docs/deployment.md):
 * only a definite failure (the provider refused, or could not be reached) of the configured gateway
 * goes on to the fallback by itself, as try 2 of the same press. A timeout or dropped connection may
 * have sent the text, so it is recorded as failed-and-uncertain and left to the officer to resend.
 */
export class TextDeliveries {
  readonly #repo: SmsDeliveryRepository;

  constructor(
    db: Db,
    private readonly gateways: Gateways,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly box: SecretBox,
    private readonly log: Logger,
    /** Told each outcome a gateway reports (accepted as queued/sent, failed, later receipts), for the metrics. */
    private readonly outcome: (gateway: string, status: string) => void = () => {},
  ) {
    this.#repo = new SmsDeliveryRepository(db);
    // A receipt that cannot be stored (database down) is logged: a rejection left unhandled here
    // would end the process, and every call on this instance with it.
    for (const g of [gateways.primary, gateways.fallback])
      g?.onStatus?.((r) => {
        this.report(r).catch((err: unknown) =>
          log.error({ err, gateway: r.gateway, ref: r.providerRef }, 'sms: storing a receipt failed'),
        );
      });
  }

  get names(): { primary: GatewayName; fallback: GatewayName | null } {
    return { primary: this.gateways.primary.name, fallback: this.gateways.fallback?.name ?? null };
  }

  /** The gateway a route names; null for the fallback when none is configured. */
  gateway(route: TextRoute): SmsGateway | null {
    return route === 'primary' ? this.gateways.primary : this.gateways.fallback;
  }

  /** The configured gateway of that name (a callback route checks its provider's proof with it). */
  gatewayNamed(name: GatewayName): SmsGateway | null {
    return [this.gateways.primary, this.gateways.fallback].find((g) => g?.name === name) ?? null;
  }

  /** The try-1 row of a press, to insert inside the transaction that admits it. */
  claimRow(p: Omit<Press, 'claimId' | 'message' | 'officerName'> & { id: string; link: string | null }) {
    const now = this.clock.now();
    return {
      id: p.id,
      session_id: p.sessionId,
      idempotency_key: p.key,
      try_no: 1,
      attempt: p.attempt,
      officer_id: p.officerId,
      route: p.route,
      gateway: this.gateway(p.route)!.name,
      provider_ref: null,
      status: 'queued',
      failure_reason: null,
      failure_kind: null,
      link_sealed: p.link === null ? null : this.box.seal(p.link, p.id),
      created_at: now,
      updated_at: now,
      delivered_at: null,
    };
  }

  /** Sends a claimed press: try 1 by its route's gateway, try 2 by the fallback after a definite failure. */
  async deliver(press: Press): Promise<TextDelivery> {
    const first = await this.#try(press, press.claimId, this.gateway(press.route)!);
    if (first.status !== 'failed' || first.uncertain || press.route !== 'primary' || !this.gateways.fallback)
      return first;
    const id = this.random.id();
    const row = {
      // The press's first row keeps the sealed link; this try needs none of its own.
      ...this.claimRow({ ...press, id, link: null, route: 'fallback' as const }),
      try_no: 2,
    };
    await this.#repo.insert(row);
    await this.sessions.addEvent(
      press.sessionId,
      'text.fallback',
      null,
      `${first.gateway} refused the text; sending by ${this.gateways.fallback.name}`,
    );
    return this.#try(press, id, this.gateways.fallback);
  }

  async #try(press: Press, rowId: string, gateway: SmsGateway): Promise<TextDelivery> {
    const reference = `${press.key}.${rowId.slice(0, 8)}`;
    try {
      const res = await gateway.send({ ...press.message, reference });
      await this.#repo.accepted(rowId, res.providerRef, res.status, this.clock.now());
      this.outcome(gateway.name, res.status);
      await this.sessions.addEvent(
        press.sessionId,
        press.attempt === 1 ? 'invite.sent' : 'invite.resent',
        press.officerName,
        `${gateway.name} ${res.providerRef}`,
      );
    } catch (err) {
      const failure =
        err instanceof SmsSendError
          ? err
          : new SmsSendError('ambiguous', 'the gateway failed unexpectedly', { cause: err });
      // Providers quote the number back ("The 'To' number +44… is not valid"); the reason is
      // stored, shown, audited and logged, so it goes without it (and a provider's error, whose
      // message carries the same words, is not logged whole).
      const reason = withoutNumber(failure.reason, press.message.to);
      this.log.warn(
        {
          ...(err instanceof SmsSendError ? {} : { err }),
          sessionId: press.sessionId,
          gateway: gateway.name,
          kind: failure.kind,
          reason,
        },
        'sms: send failed',
      );
      await this.#repo.failed(rowId, reason, failure.kind, this.clock.now());
      this.outcome(gateway.name, 'failed');
      await this.sessions.addEvent(press.sessionId, 'text.failed', null, `${gateway.name}: ${reason}`);
    }
    const row = (await this.#repo.byKey(press.key)).find((r) => r.id === rowId)!;
    await this.sessions.announce(press.sessionId);
    return toTextDelivery(row);
  }

  /** A provider's later word on a text (callback, receipt, poll); stale and unknown reports change nothing. */
  async report(r: StatusReport, retry = 0): Promise<boolean> {
    let row = await this.#repo.byRef(r.gateway, r.providerRef);
    let adopted = false;
    if (!row && r.reference) {
      row = await this.#adopt(r);
      adopted = row !== undefined;
    }
    if (!row) {
      // An SMSC can send the receipt before this instance has stored the submit's answer.
      if (retry < EARLY_REPORT_RETRIES) {
        await new Promise((res) => setTimeout(res, EARLY_REPORT_WAIT_MS));
        return this.report(r, retry + 1);
      }
      // Only now, and only if exactly one text answers to it: another text's id could be this one
      // in another base (e.g. decimal 4096 and hex 1000), and the right text may not be stored yet.
      const others = await this.#repo.byRefs(r.gateway, r.otherRefs ?? []);
      if (others.length === 1) row = others[0];
    }
    if (!row) {
      this.log.warn({ gateway: r.gateway, ref: r.providerRef }, 'sms: status for a text we do not know');
      return false;
    }
    if (!(await this.#repo.advance(row.id, r.status, r.reason, r.at))) {
      if (adopted) await this.sessions.announce(row.session_id);
      return adopted;
    }
    this.outcome(row.gateway, r.status);
    if (r.status !== 'sent')
      await this.sessions.addEvent(
        row.session_id,
        `text.${r.status}`,
        null,
        r.status === 'failed'
          ? `${row.gateway}: ${r.reason ?? 'failed'}`
          : `${row.gateway} text ${row.attempt}`,
        r.at,
      );
    await this.sessions.announce(row.session_id);
    return true;
  }

  /** The press's text `r.reference` names, if it was recorded as uncertain: now known to be taken. */
  async #adopt(r: StatusReport): Promise<DeliveryRow | undefined> {
    const dot = r.reference!.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const [key, prefix] = [r.reference!.slice(0, dot), r.reference!.slice(dot + 1)];
    const row = (await this.#repo.byKey(key)).find((x) => x.id.slice(0, 8) === prefix);
    if (!row || !(await this.#repo.adopt(row.id, r.gateway, r.providerRef, this.clock.now())))
      return undefined;
    await this.sessions.addEvent(
      row.session_id,
      'text.confirmed',
      null,
      `${row.gateway} took text ${row.attempt} after all (its answer came late)`,
    );
    return (await this.#repo.byKey(key)).find((x) => x.id === row.id);
  }

  /**
   * Asks providers that need asking (Notify without a callback) about texts still on their way,
   * after closing texts whose send was cut off (see UNANSWERED_AFTER_MS), which would otherwise
   * say 'queued' for ever while the caller may have nothing, and erasing sealed links no longer
   * needed that the instance which saw the change did not erase (it stopped first).
   */
  async poll(): Promise<void> {
    // The sweep calls this every 15 s whether or not the last round finished; with Notify slow
    // (each ask may take the whole send timeout) rounds would pile up, each asking again.
    if (this.#polling) return this.#polling;
    this.#polling = this.#pollOnce().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }

  #polling: Promise<void> | null = null;

  async #pollOnce(): Promise<void> {
    await this.#closeUnanswered();
    for (const g of [this.gateways.primary, this.gateways.fallback]) {
      if (!g?.poll) continue;
      for (const row of await this.#repo.pending(g.name, this.clock.now() - POLL_WINDOW_MS)) {
        const report = await g.poll(row.provider_ref!);
        if (report) await this.report(report, EARLY_REPORT_RETRIES);
      }
    }
  }

  async #closeUnanswered(): Promise<void> {
    const now = this.clock.now();
    await this.#repo.forgetSpent(now);
    for (const row of await this.#repo.unanswered(now - UNANSWERED_AFTER_MS)) {
      const reason = 'the send was cut off (the server stopped); the text may or may not have arrived';
      if (!(await this.#repo.failed(row.id, reason, 'ambiguous', now))) continue;
      await this.sessions.addEvent(row.session_id, 'text.failed', null, `${row.gateway}: ${reason}`);
      await this.sessions.announce(row.session_id);
    }
  }

  /** A press already handled, by its key: its rows, oldest try first (empty if new). */
  byKey(key: string): Promise<DeliveryRow[]> {
    return this.#repo.byKey(key);
  }

  async list(sessionId: string): Promise<TextList> {
    const rows = await this.#repo.forSession(sessionId);
    return { texts: rows.map(toTextDelivery), gateways: this.names };
  }

  /** The session's link in clear, while it is still held (for a resend or a replayed press). */
  async link(sessionId: string): Promise<string | null> {
    const row = await this.#repo.sealedLink(sessionId);
    return row?.link_sealed ? this.box.open(row.link_sealed, row.id) : null;
  }

  /** Erases the sealed link once the session has left 'sent' (opened, expired, ended). */
  forget(sessionId: string): Promise<boolean> {
    return this.#repo.forget(sessionId);
  }

  /** The repository bound to a transaction's handle (limits and claims inside it). */
  static repo(db: Db): SmsDeliveryRepository {
    return new SmsDeliveryRepository(db);
  }

  async start(): Promise<void> {
    for (const g of [this.gateways.primary, this.gateways.fallback]) await g?.start?.();
  }

  async close(): Promise<void> {
    for (const g of [this.gateways.primary, this.gateways.fallback]) await g?.close?.().catch(() => {});
  }
}

/** A provider's words with the phone number (in any of its written forms) taken out. */
export function withoutNumber(text: string, e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (digits.length < 6) return text;
  return text.split(e164).join('[the number]').split(digits).join('[the number]');
}
