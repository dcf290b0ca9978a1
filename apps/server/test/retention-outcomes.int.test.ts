import type { Outcome } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, TestClock, type TestServer } from './harness.js';

// Outcomes are personal data and append-only (0019, 0020): nothing but MoPI disposal may delete
// one, and only the disposed session's. Runs on SQLite and PostgreSQL (SIGHTLINE_TEST_DB).

const DAY = 86_400_000;
const clock = new TestClock();
let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;
let disposed: string;
let kept: string;

const check = { subject: 'John Smith', condition: 'curfew', conditionDetail: '12 High Street, 19:00–07:00' };
const bail = {
  kind: 'bail-check',
  ...check,
  result: 'complied',
  identity: { confirmed: true, method: 'face-against-custody-image' },
};

async function bailSession(): Promise<string> {
  const res = await handler.request('POST', '/api/sessions', {
    phone: '07911 123456',
    mode: 'two-way',
    workflow: { kind: 'bail-check', check },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const id = ((await res.json()) as { session: { id: string } }).session.id;
  const out = await handler.request('POST', `/api/sessions/${id}/outcomes`, { record: bail });
  expect(out.status, await out.clone().text()).toBe(201);
  return id;
}

const outcomeRows = (id: string) =>
  s.c.db.selectFrom('outcomes').select('id').where('session_id', '=', id).execute();
const workflowRows = (id: string) =>
  s.c.db.selectFrom('session_workflows').select('session_id').where('session_id', '=', id).execute();
const deleteOutcomes = (id: string) => s.c.db.deleteFrom('outcomes').where('session_id', '=', id).execute();
const updateOutcomes = (id: string) =>
  s.c.db
    .updateTable('outcomes')
    .set({ recorded_by_name: 'someone else' })
    .where('session_id', '=', id)
    .execute();

beforeAll(async () => {
  s = await startServer({ clock });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  disposed = await bailSession();
  kept = await bailSession();
});
afterAll(async () => s?.close());

describe('outcomes and MoPI disposal', () => {
  it('a live session’s outcome cannot be deleted or changed, even with its session marked disposed by hand', async () => {
    await expect(deleteOutcomes(kept)).rejects.toThrow(/append-only/);
    await expect(updateOutcomes(kept)).rejects.toThrow(/append-only/);
    // A rogue write marking a session still in use as disposed does not open the door.
    await s.c.db.updateTable('sessions').set({ disposed_at: clock.now() }).where('id', '=', kept).execute();
    try {
      await expect(deleteOutcomes(kept)).rejects.toThrow(/append-only/);
    } finally {
      await s.c.db.updateTable('sessions').set({ disposed_at: null }).where('id', '=', kept).execute();
    }
    expect(await outcomeRows(kept)).toHaveLength(1);
  });

  it('disposal deletes the disposed session’s outcomes and workflow, counts them in its audit record, and leaves another session’s', async () => {
    for (const id of [disposed, kept]) await s.c.sessions.end(id, 'check done', { type: 'system' });
    const classify = await supervisor.request('POST', `/api/sessions/${disposed}/classification`, {
      policyId: 'nfpa',
      reason: 'no offence disclosed',
    });
    expect(classify.status).toBe(200);
    // The other session is ended too, but held: the same run must not touch its records.
    const hold = await supervisor.request('POST', `/api/sessions/${kept}/hold`, {
      hold: true,
      reason: 'breach of bail alleged',
    });
    expect(hold.status).toBe(200);
    // Ended, but not yet disposed of: still append-only.
    await expect(deleteOutcomes(disposed)).rejects.toThrow(/append-only/);

    clock.t += 32 * DAY;
    supervisor = await signIn(s, ['supervisor']);
    await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });

    expect(await outcomeRows(disposed)).toEqual([]);
    expect(await workflowRows(disposed)).toEqual([]);
    const list = await supervisor.request('GET', `/api/sessions/${disposed}/outcomes`);
    expect(((await list.json()) as { outcomes: Outcome[]; workflow: unknown }).workflow).toBeNull();
    // Nothing new can be recorded on it: disposal never looks at it again, so it would be kept for ever.
    const late = await supervisor.request('POST', `/api/sessions/${disposed}/outcomes`, { record: bail });
    expect(late.status).toBe(409);
    expect(await outcomeRows(disposed)).toEqual([]);

    expect(await outcomeRows(kept)).toHaveLength(1);
    expect(await workflowRows(kept)).toHaveLength(1);
    // Disposal of one session did not loosen the guard for the other (held, not disposed).
    await expect(deleteOutcomes(kept)).rejects.toThrow(/append-only/);
    await expect(updateOutcomes(kept)).rejects.toThrow(/append-only/);

    const audit = (await (
      await supervisor.request('GET', `/api/audit?subjectId=${disposed}&action=retention.dispose`)
    ).json()) as { entries: Array<{ detail: Record<string, unknown> }> };
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]!.detail).toMatchObject({
      outcomesDeleted: 1,
      workflowsDeleted: 1,
      outcomeEventsCleared: 1,
    });
    // The timeline still says an outcome was recorded, but no longer whom the check was about.
    const events = async (id: string) =>
      (await s.c.sessions.detail(id)).timeline
        .filter((e) => e.type === 'outcome.recorded')
        .map((e) => e.detail);
    expect(await events(disposed)).toEqual([null]);
    expect((await events(kept))[0]).toContain('John Smith');
  });
});
