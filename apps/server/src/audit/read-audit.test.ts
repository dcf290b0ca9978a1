import { describe, expect, it } from 'vitest';
import type { AuditInput, AuditService } from './audit.service.js';
import { READ_COALESCE_MS, ReadAudit } from './read-audit.js';

function setup() {
  const recorded: AuditInput[] = [];
  let fail = false;
  const audit = {
    record: async (input: AuditInput) => {
      if (fail) throw new Error('database is read-only');
      recorded.push(input);
    },
  } as unknown as AuditService;
  const clock = { t: 1_000_000, now: () => clock.t };
  const reads = new ReadAudit(audit, clock);
  const officer = (id: string) => ({ type: 'officer' as const, id, name: id });
  const read = (who: string, action = 'chat.read', id = 's1') =>
    reads.record({ actor: officer(who), action, subject: { type: 'session', id } });
  return { recorded, clock, read, failNext: (v: boolean) => (fail = v) };
}

describe('ReadAudit', () => {
  it('records each officer read once per window, and again after it', async () => {
    const { recorded, clock, read } = setup();
    await read('a');
    await read('a');
    await read('b');
    await read('a', 'notes.read');
    await read('a', 'chat.read', 's2');
    expect(recorded).toHaveLength(4);
    clock.t += READ_COALESCE_MS;
    await read('a');
    expect(recorded).toHaveLength(5);
  });

  it('records a repeat within the window again when it shows other content (a live position, new evidence)', async () => {
    const recorded: AuditInput[] = [];
    const reads = new ReadAudit(
      { record: async (e: AuditInput) => void recorded.push(e) } as unknown as AuditService,
      {
        now: () => 1_000_000,
      },
    );
    const read = (content: string) =>
      reads.record({
        actor: { type: 'api-client', id: 'cad', name: 'CAD' },
        action: 'session.read',
        subject: { type: 'session', id: 's1' },
        detail: { content },
        content,
      });
    await read('location:false evidence:');
    await read('location:false evidence:');
    await read('location:true evidence:');
    await read('location:true evidence:e1');
    await read('location:true evidence:e1');
    expect(recorded.map((e) => e.detail)).toEqual([
      { content: 'location:false evidence:' },
      { content: 'location:true evidence:' },
      { content: 'location:true evidence:e1' },
    ]);
  });

  it('fails the read when the entry cannot be written, and tries again next time', async () => {
    const { recorded, read, failNext } = setup();
    failNext(true);
    await expect(read('a')).rejects.toThrow(/read-only/);
    failNext(false);
    await read('a');
    expect(recorded).toHaveLength(1);
  });
});
