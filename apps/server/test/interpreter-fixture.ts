import type { TestServer } from './harness.js';

export interface InterpreterPerson {
  name: string;
  organisation: string;
  bookingRef: string;
}

/**
 * A BSL interpreter who was invited, opened the link, joined and left, written as the interpreter
 * service writes them (its row, and the timeline's `interpreter.invited` and `.joined` events), so
 * a test can check where their name, organisation and booking end up.
 */
export async function seedInterpreter(s: TestServer, sessionId: string, i: InterpreterPerson, at: number) {
  const id = `interp-${sessionId}`;
  await s.c.db
    .insertInto('interpreters')
    .values({
      id,
      session_id: sessionId,
      token_hash: `hash-${sessionId}`,
      name: i.name,
      kind: 'bsl',
      language: 'British Sign Language',
      organisation: i.organisation,
      booking_ref: i.bookingRef,
      state: 'left',
      invited_by: 'officer-1',
      invited_by_name: 'PC Handler',
      created_at: at,
      open_by: at + 600_000,
      opened_at: at,
      device_secret_hash: `secret-${sessionId}`,
      consented_at: at,
      ended_at: at,
      end_reason: `${i.name} was needed elsewhere`,
    })
    .execute();
  const described = `${i.name} (British Sign Language, ${i.organisation}, booking ${i.bookingRef})`;
  // A second apart, as in life: two events in one millisecond have no order between them.
  await s.c.sessions.addEvent(sessionId, 'interpreter.invited', 'PC Handler', described, at - 1_000);
  await s.c.sessions.addEvent(sessionId, 'interpreter.joined', i.name, described, at);
  return id;
}
