import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../lib/errors.js';
import { IceServerIssuer } from './ice-servers.js';
import { TurnCheck } from './turn-check.js';

const OFFICER = { type: 'officer' as const, id: 'o1', name: 'Admin One' };
const clock = { now: () => Date.UTC(2026, 10, 30, 7) };

describe('TurnCheck', () => {
  it('issues TURN-only servers and audits the credential (never the secret)', async () => {
    const audit = { record: vi.fn(async () => {}) };
    const issuer = new IceServerIssuer(
      {
        staticServers: [{ urls: 'stun:stun.example.org' }],
        turn: { urls: ['turn:10.0.0.1:3478'], secret: 'north-wind-7', ttlSeconds: 60 },
        callerPolicy: 'all',
      },
      clock,
    );
    const grant = await new TurnCheck(issuer, audit).issue(OFFICER, '192.0.2.7');
    expect(grant.expiresAt).toBe(clock.now() + 60_000);
    expect(grant.iceServers).toEqual([
      expect.objectContaining({
        urls: ['turn:10.0.0.1:3478'],
        username: `${grant.expiresAt / 1000}:check-o1`,
      }),
    ]);
    expect(audit.record).toHaveBeenCalledWith({
      actor: OFFICER,
      action: 'turn.credential.issued',
      detail: { purpose: 'check', expiresAt: grant.expiresAt },
      ip: '192.0.2.7',
    });
    expect(JSON.stringify(audit.record.mock.calls)).not.toContain('north-wind-7');
  });

  it('refuses with turn_not_configured when there is no TURN, and audits nothing', async () => {
    const audit = { record: vi.fn(async () => {}) };
    const issuer = new IceServerIssuer({ staticServers: [], turn: null, callerPolicy: 'all' }, clock);
    const err = await new TurnCheck(issuer, audit).issue(OFFICER, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('turn_not_configured');
    expect(audit.record).not.toHaveBeenCalled();
  });
});
