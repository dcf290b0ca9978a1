import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../adapters/db/database.js';
import { migrateToLatest, openDatabase } from '../adapters/db/database.js';
import type { SecretBox } from '../adapters/keys/secret-box.js';
import {
  type GatewayName,
  type SendResult,
  type SmsGateway,
  SmsSendError,
  type StatusReport,
} from '../adapters/sms/sms-gateway.js';
import { createLogger } from '../lib/create-logger.js';
import type { SessionService } from '../sessions/session.service.js';
import { type Press, TextDeliveries, UNANSWERED_AFTER_MS } from './text-deliveries.js';

/** A gateway that answers each send as told, and remembers what it was given. */
class FakeGateway implements SmsGateway {
  sent: string[] = [];
  answer: () => Promise<SendResult> = async () => ({
    providerRef: `${this.name}-${this.sent.length}`,
    status: 'sent',
  });
  #listener: ((r: StatusReport) => void) | null = null;
  constructor(readonly name: GatewayName) {}
  async send(m: { reference: string }): Promise<SendResult> {
    this.sent.push(m.reference);
    return this.answer();
  }
  onStatus(l: (r: StatusReport) => void) {
    this.#listener = l;
  }
  emit(r: StatusReport) {
    this.#listener?.(r);
  }
}

const box: SecretBox = { seal: (p, c) => `${c}:${p}`, open: (s, c) => s.slice(c.length + 1) };
let db: Db;
let primary: FakeGateway;
let fallback: FakeGateway;
let timeline: string[];
let texts: TextDeliveries;
let seq = 0;
/** Added to the test clock, to pass time. */
let later = 0;

beforeEach(async () => {
  db = openDatabase('sqlite::memory:');
  await migrateToLatest(db);
  primary = new FakeGateway('notify');
  fallback = new FakeGateway('smpp');
  timeline = [];
  later = 0;
  const sessions = {
    addEvent: async (_id: string, type: string) => {
      timeline.push(type);
    },
    announce: async () => ({}),
  } as unknown as SessionService;
  texts = new TextDeliveries(
    db,
    { primary, fallback },
    sessions,
    { now: () => 1000 + seq + later },
    { id: () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}` } as never,
    box,
    createLogger('silent'),
  );
});
afterEach(() => db.destroy());

/** Claims a press (as InviteService does inside its transaction) and delivers it. */
async function press(route: 'primary' | 'fallback' = 'primary') {
  const id = `claim-${++seq}`;
  const key = `key-${seq}`;
  await TextDeliveries.repo(db).insert(
    texts.claimRow({ id, sessionId: 's1', key, attempt: 1, route, officerId: 'o1', link: 'https://x/j/t' }),
  );
  const p: Press = {
    claimId: id,
    sessionId: 's1',
    key,
    attempt: 1,
    route,
    officerId: 'o1',
    officerName: 'Officer',
    message: {
      to: '+447700900001',
      from: 'Police',
      body: 'hi https://x/j/t',
      sessionId: 's1',
      secret: 'https://x/j/t',
    },
  };
  return { text: await texts.deliver(p), rows: await texts.byKey(key) };
}

describe('the rule for a second try', () => {
  it('goes to the fallback, as try 2 of the same press, when the gateway refused', async () => {
    primary.answer = () => Promise.reject(new SmsSendError('refused', 'Notify refused the text: bad number'));
    const { text, rows } = await press();
    expect(text).toMatchObject({ gateway: 'smpp', tryNo: 2, status: 'sent' });
    expect(rows.map((r) => [r.gateway, r.try_no, r.status, r.failure_kind])).toEqual([
      ['notify', 1, 'failed', 'refused'],
      ['smpp', 2, 'sent', null],
    ]);
    expect(timeline).toEqual(['text.failed', 'text.fallback', 'invite.sent']);
  });

  it('goes to the fallback when the gateway could not be reached', async () => {
    primary.answer = () => Promise.reject(new SmsSendError('unreachable', 'not connected'));
    expect((await press()).text.gateway).toBe('smpp');
  });

  it('never goes to the fallback after an ambiguous failure, nor after an unexpected error', async () => {
    primary.answer = () => Promise.reject(new SmsSendError('ambiguous', 'no answer in time'));
    const timedOut = await press();
    expect(timedOut.text).toMatchObject({ gateway: 'notify', status: 'failed', uncertain: true });
    primary.answer = () => Promise.reject(new TypeError('bug'));
    const broken = await press();
    expect(broken.text).toMatchObject({ status: 'failed', uncertain: true });
    expect(fallback.sent).toEqual([]);
  });

  it('does not go on from the fallback route when the officer chose it and it failed', async () => {
    fallback.answer = () => Promise.reject(new SmsSendError('refused', 'ESME_RINVDSTADR'));
    const { rows } = await press('fallback');
    expect(rows).toHaveLength(1);
    expect(primary.sent).toEqual([]);
  });
});

describe('status reports', () => {
  it('moves a text forward only: a late "sent" after "delivered" changes nothing', async () => {
    const { text, rows } = await press();
    const ref = rows[0]!.provider_ref!;
    const report = (status: 'sent' | 'delivered' | 'failed') =>
      texts.report({ gateway: 'notify', providerRef: ref, status, reason: null, at: 5000 });
    expect(text.status).toBe('sent');
    expect(await report('delivered')).toBe(true);
    expect(await report('sent')).toBe(false);
    expect(await report('failed')).toBe(false);
    expect((await texts.list('s1')).texts[0]).toMatchObject({ status: 'delivered', deliveredAt: 5000 });
    expect(timeline.at(-1)).toBe('text.delivered');
  });

  it('waits for a receipt that arrives before the submit’s answer was stored', async () => {
    let release!: () => void;
    primary.answer = () =>
      new Promise((resolve) => {
        release = () => resolve({ providerRef: 'early-1', status: 'sent' });
      });
    const delivering = press();
    await new Promise((r) => setTimeout(r, 20));
    // The SMSC's receipt comes first (through the gateway's own listener).
    const reported = texts.report({
      gateway: 'notify',
      providerRef: 'early-1',
      status: 'delivered',
      reason: null,
      at: 9,
    });
    release();
    await delivering;
    expect(await reported).toBe(true);
    expect((await texts.list('s1')).texts[0]?.status).toBe('delivered');
  });
});

describe('polling', () => {
  it('does not start a round while the last is still waiting on the provider', async () => {
    const asked: string[] = [];
    let answer!: () => void;
    (primary as FakeGateway & { poll: SmsGateway['poll'] }).poll = (ref) => {
      asked.push(ref);
      return new Promise((resolve) => {
        answer = () => resolve(null);
      });
    };
    await press();
    const first = texts.poll();
    await new Promise((r) => setTimeout(r, 20));
    const second = texts.poll();
    await new Promise((r) => setTimeout(r, 20));
    expect(asked).toHaveLength(1);
    answer();
    await Promise.all([first, second]);
    expect(asked).toHaveLength(1);
  });
});

describe('a receipt the database cannot take', () => {
  it('is logged, not left as an unhandled rejection that would end the process', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await db.schema.dropTable('sms_deliveries').execute();
      fallback.emit({ gateway: 'smpp', providerRef: 'r1', status: 'delivered', reason: null, at: 1 });
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('a send cut off between claim and answer', () => {
  it('is shown failed and uncertain once it can no longer be in progress, not queued for ever', async () => {
    // The instance claimed the press and stopped before the provider answered: the row is all there is.
    await TextDeliveries.repo(db).insert(
      texts.claimRow({
        id: 'cut-1',
        sessionId: 's1',
        key: 'k-cut',
        attempt: 1,
        route: 'primary',
        officerId: 'o1',
        link: null,
      }),
    );
    await texts.poll();
    expect((await texts.list('s1')).texts[0]?.status).toBe('queued');
    later = UNANSWERED_AFTER_MS + 1;
    await texts.poll();
    expect((await texts.list('s1')).texts[0]).toMatchObject({ status: 'failed', uncertain: true });
    expect(timeline).toEqual(['text.failed']);
    // A text the provider answered is never taken for one cut off.
    const { rows } = await press();
    later += UNANSWERED_AFTER_MS * 2;
    await texts.poll();
    expect((await texts.byKey(rows[0]!.idempotency_key))[0]?.status).toBe('sent');
  });
});

describe('sealed links', () => {
  /** A session row as InviteService writes it. */
  async function session(id: string, state: string, expiresAt: number) {
    // The officer who sent it does not matter here.
    await sql`PRAGMA foreign_keys = OFF`.execute(db);
    await db
      .insertInto('sessions')
      .values({
        id,
        reference: null,
        phone_e164: '+447700900001',
        phone_masked: '07700 900•••',
        state,
        created_by: 'o1',
        created_at: 0,
        expires_at: expiresAt,
        token_hash: `h-${id}`,
        caller_secret_hash: null,
        caller_secret_expires_at: null,
        opened_at: null,
        consented_at: null,
        refused_at: null,
        live_at: null,
        ended_at: null,
        end_reason: null,
        caller_user_agent: null,
        publishing: 0,
        mode: 'video',
        language: 'en',
        verification_code: '1234',
        location_minutes: null,
      })
      .execute();
    await TextDeliveries.repo(db).insert(
      texts.claimRow({
        id: `row-${id}`,
        sessionId: id,
        key: `k-${id}`,
        attempt: 1,
        route: 'primary',
        officerId: 'o1',
        link: `https://x/j/${id}`,
      }),
    );
  }

  it('are erased by the sweep once the link is opened or expired, even if no instance saw the change', async () => {
    await session('waiting', 'sent', 10_000_000);
    await session('opened', 'opened', 10_000_000);
    await session('lapsed', 'sent', 500);
    await texts.poll();
    expect(await texts.link('waiting')).toBe('https://x/j/waiting');
    expect(await texts.link('opened')).toBeNull();
    expect(await texts.link('lapsed')).toBeNull();
  });
});
