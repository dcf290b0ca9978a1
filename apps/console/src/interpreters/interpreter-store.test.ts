import type { InterpreterInvite, ServerToConsole } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { InterpreterStore, type ViewerPeer } from './interpreter-store.js';

const invite = (state: InterpreterInvite['state']): InterpreterInvite => ({
  id: 'i1',
  sessionId: 's1',
  name: 'Sam Signer',
  kind: 'bsl',
  language: 'British Sign Language',
  organisation: 'Signs Ltd',
  bookingRef: '',
  state,
  invitedBy: 'Officer',
  createdAt: 1,
  openBy: 2,
  openedAt: null,
  endedAt: null,
  endReason: null,
});

function setup(invites: InterpreterInvite[] = []) {
  let handler: (m: ServerToConsole) => void = () => {};
  const sent: Array<{ type: string }> = [];
  const peer: ViewerPeer = {
    ontrack: null,
    onicecandidate: null,
    setRemoteDescription: vi.fn(async () => {}),
    createAnswer: async () => ({ type: 'answer', sdp: 'v=0 answer' }),
    setLocalDescription: vi.fn(async () => {}),
    localDescription: { sdp: 'v=0 answer' },
    close: vi.fn(),
  };
  const api = {
    interpreters: vi.fn(async () => invites),
    inviteInterpreter: vi.fn(async () => ({ invite: invite('invited'), url: 'https://x/i/tok' })),
    removeInterpreter: vi.fn(async () => invite('revoked')),
  };
  const store = new InterpreterStore('s1', {
    api,
    socket: {
      send: (m) => {
        sent.push(m);
        return 'ref';
      },
      onMessage: (h) => {
        handler = h;
        return () => {};
      },
    },
    iceServers: () => [],
    canViewLive: true,
    createPeer: () => peer,
  });
  return { store, sent, api, peer, emit: (m: ServerToConsole) => handler(m) };
}

describe('InterpreterStore', () => {
  it('shows the new link once and lists the invitation', async () => {
    const { store, api } = setup();
    api.interpreters.mockResolvedValueOnce([invite('invited')]);
    expect(await store.invite({ name: 'Sam', kind: 'bsl', language: 'BSL', organisation: 'Signs' })).toBe(
      true,
    );
    expect(store.state.get().link).toEqual({ id: 'i1', url: 'https://x/i/tok' });
    expect(store.state.get().invites.map((i) => i.state)).toEqual(['invited']);
    await store.remove('i1');
    expect(store.state.get().link).toBeNull();
  });

  it('asks for the interpreter camera when it comes up, answers the offer, and drops it when it stops', async () => {
    const { store, sent, emit, peer } = setup();
    emit({ type: 'interpreter.video', sessionId: 's1', live: true });
    expect(sent.at(-1)).toEqual({ type: 'interpreter-view.start', sessionId: 's1' });
    emit({ type: 'interpreter-view.offer', sessionId: 's1', sdp: 'v=0 offer' });
    await vi.waitFor(() =>
      expect(sent.at(-1)).toMatchObject({ type: 'interpreter-view.answer', sdp: 'v=0 answer' }),
    );
    emit({ type: 'interpreter.video', sessionId: 's1', live: false });
    expect(peer.close).toHaveBeenCalled();
    expect(store.state.get().stream).toBeNull();
  });

  it('says so when the interpreter video cannot be negotiated, and sends no answer', async () => {
    const { store, sent, peer, emit } = setup();
    peer.setRemoteDescription = vi.fn(async () => {
      throw new Error('bad sdp');
    });
    emit({ type: 'interpreter-view.offer', sessionId: 's1', sdp: 'v=0 offer' });
    await vi.waitFor(() => expect(store.state.get().error).toMatch(/could not be shown/));
    expect(sent.some((m) => m.type === 'interpreter-view.answer')).toBe(false);
    expect(peer.close).toHaveBeenCalled();
  });

  it('ignores other sessions and refetches when the timeline mentions an interpreter', async () => {
    const { store, sent, emit, api } = setup();
    emit({ type: 'interpreter.video', sessionId: 'other', live: true });
    expect(sent).toEqual([]);
    emit({
      type: 'session.event',
      sessionId: 's1',
      event: { id: 'e', at: 1, type: 'interpreter.joined', actor: 'Sam', detail: null },
    });
    await vi.waitFor(() => expect(api.interpreters).toHaveBeenCalled());
    store.dispose();
  });
});
