import type { OfficerPosition, ServerToConsole, Share } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { OfficerPositionsStore, toMarkers } from './officer-positions.js';
import { isLive, SharePanelStore } from './share-panel-store.js';

const pos = (shareId: string, name: string, receivedAt: number, lat = 51.5): OfficerPosition => ({
  officerId: `o-${shareId}`,
  name,
  shareId,
  lat,
  lon: -0.1,
  accuracy: 8,
  heading: null,
  speed: null,
  fixTime: receivedAt,
  receivedAt,
});

describe('field officers on the control room’s map', () => {
  it('keeps the newest position per share, for this session only, sorted by name', () => {
    const st = new OfficerPositionsStore('s1');
    st.onMessage({ type: 'officer.position', sessionId: 's1', position: pos('a', 'Zulu', 1_000) });
    st.onMessage({ type: 'officer.position', sessionId: 's1', position: pos('b', 'Alpha', 1_000) });
    st.onMessage({ type: 'officer.position', sessionId: 's1', position: pos('a', 'Zulu', 2_000, 51.6) });
    st.onMessage({ type: 'officer.position', sessionId: 's1', position: pos('a', 'Zulu', 1_500, 40) });
    st.onMessage({ type: 'officer.position', sessionId: 's2', position: pos('c', 'Other', 1_000) });
    expect(st.state.get().map((p) => [p.name, p.lat])).toEqual([
      ['Alpha', 51.5],
      ['Zulu', 51.6],
    ]);
    expect(toMarkers(st.state.get())[1]).toEqual({
      officerId: 'o-a',
      name: 'Zulu',
      lat: 51.6,
      lon: -0.1,
      accuracy: 8,
      at: 2_000,
    });
  });

  it('takes an officer off the map when their share ends', () => {
    const st = new OfficerPositionsStore('s1');
    st.onMessage({ type: 'officer.position', sessionId: 's1', position: pos('a', 'Zulu', 1_000) });
    st.onMessage({ type: 'officer.position.gone', sessionId: 's1', shareId: 'a' });
    expect(st.state.get()).toEqual([]);
  });

  it('on an incident page, gathers officers from every watched session, one marker each, and forgets a session that leaves', () => {
    const watched = new Set(['s1', 's2']);
    const st = new OfficerPositionsStore((id) => watched.has(id));
    // The same officer holds shares of two of the incident's callers; a third session is not ours.
    st.onMessage({
      type: 'officer.position',
      sessionId: 's1',
      position: { ...pos('a', 'Zulu', 1_000), officerId: 'o-z' },
    });
    st.onMessage({
      type: 'officer.position',
      sessionId: 's2',
      position: { ...pos('b', 'Zulu', 3_000, 51.7), officerId: 'o-z' },
    });
    st.onMessage({ type: 'officer.position', sessionId: 's2', position: pos('c', 'Alpha', 2_000) });
    st.onMessage({ type: 'officer.position', sessionId: 's9', position: pos('d', 'Other', 2_000) });
    expect(toMarkers(st.state.get()).map((m) => [m.name, m.lat])).toEqual([
      ['Alpha', 51.5],
      ['Zulu', 51.7],
    ]);
    st.forgetSession('s2');
    expect(toMarkers(st.state.get()).map((m) => [m.name, m.lat])).toEqual([['Zulu', 51.5]]);
  });
});

const share = (id: string, patch: Partial<Share> = {}): Share => ({
  id,
  sessionId: 's1',
  incidentId: null,
  officer: { id: `o-${id}`, name: `Officer ${id}` },
  createdBy: { id: 'h', name: 'Handler' },
  createdAt: 0,
  expiresAt: 3_600_000,
  openedAt: null,
  endedAt: null,
  endReason: null,
  ...patch,
});

function api() {
  return {
    fieldOfficers: vi.fn(async () => [{ id: 'o-1', name: 'Officer 1' }]),
    shares: vi.fn(async () => [share('1')]),
    createShares: vi.fn(async (_s: string, ids: string[]) => ids.map((id) => share(id.slice(2)))),
    incidentShares: vi.fn(async () => [share('7', { sessionId: null, incidentId: 'i1' })]),
    createIncidentShares: vi.fn(async (_i: string, ids: string[]) =>
      ids.map((id) => share(id.slice(2), { sessionId: null, incidentId: 'i1' })),
    ),
    revokeShare: vi.fn(async (id: string) => share(id, { endedAt: 5, endReason: 'revoked' })),
  };
}

describe('sharing a session with field officers', () => {
  it('refuses to share with nobody, and sends the chosen officers and duration', async () => {
    const a = api();
    const st = new SharePanelStore({ sessionId: 's1' }, a);
    await st.load();
    await st.share();
    expect(st.state.get().error).toBe('Choose at least one field officer.');
    expect(a.createShares).not.toHaveBeenCalled();
    st.toggle('o-1', true);
    st.setDuration(900);
    await st.share();
    expect(a.createShares).toHaveBeenCalledWith('s1', ['o-1'], 900);
    expect(st.state.get()).toMatchObject({ selected: [], notice: 'Shared with Officer 1.', busy: false });
  });

  it('shows the server’s refusal', async () => {
    const a = api();
    a.createShares.mockRejectedValueOnce(
      new ApiRequestError(409, 'session_ended', 'This session has ended.'),
    );
    const st = new SharePanelStore({ sessionId: 's1' }, a);
    st.toggle('o-1', true);
    await st.share();
    expect(st.state.get().error).toBe('This session has ended.');
  });

  it('revokes a share and reloads the list when the server says a share of this session changed', async () => {
    const a = api();
    const st = new SharePanelStore({ sessionId: 's1' }, a);
    let deliver: (m: ServerToConsole) => void = () => {};
    st.connect({
      onMessage: (h) => {
        deliver = h;
        return () => {};
      },
    });
    await st.revoke('1');
    expect(st.state.get().notice).toBe('Stopped sharing with Officer 1.');
    const before = a.shares.mock.calls.length;
    deliver({ type: 'share.changed', shareId: '9', sessionId: 'other', endReason: null });
    deliver({ type: 'share.changed', shareId: '1', sessionId: 's1', endReason: 'expired' });
    await vi.waitFor(() => expect(a.shares.mock.calls.length).toBe(before + 1));
  });

  it('shares an incident through the incident routes, and follows changes to its shares only', async () => {
    const a = api();
    const st = new SharePanelStore({ incidentId: 'i1' }, a);
    let deliver: (m: ServerToConsole) => void = () => {};
    st.connect({
      onMessage: (h) => {
        deliver = h;
        return () => {};
      },
    });
    await st.load();
    expect(st.state.get().shares.map((s) => s.id)).toEqual(['7']);
    st.toggle('o-1', true);
    await st.share();
    expect(a.createIncidentShares).toHaveBeenCalledWith('i1', ['o-1'], 3600);
    expect(a.createShares).not.toHaveBeenCalled();
    const before = a.incidentShares.mock.calls.length;
    deliver({ type: 'share.changed', shareId: '8', sessionId: 's1', endReason: null });
    deliver({ type: 'share.changed', shareId: '7', sessionId: null, incidentId: 'i1', endReason: 'revoked' });
    await vi.waitFor(() => expect(a.incidentShares.mock.calls.length).toBe(before + 1));
    expect(a.shares).not.toHaveBeenCalled();
  });

  it('counts a share as live only before its end and its expiry', () => {
    expect(isLive(share('1'), 1_000)).toBe(true);
    expect(isLive(share('1'), 3_600_000)).toBe(false);
    expect(isLive(share('1', { endedAt: 10, endReason: 'revoked' }), 20)).toBe(false);
  });
});
