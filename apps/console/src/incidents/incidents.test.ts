import type { IncidentDetail, IncidentSummary, ServerToConsole } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import type { ConsoleSocket } from '../signalling/console-socket.js';
import { event, fix, settle, summary } from '../testing/fixtures.js';
import { AddToIncident } from './add-to-incident.js';
import { CreateIncidentForm, validateIncident } from './create-incident.js';
import { IncidentController } from './incident-controller.js';
import { IncidentListStore } from './incident-list.js';
import {
  addEvent,
  addFix,
  applyDetail,
  CALLER_COLOURS,
  callerColour,
  initialIncidentPage,
  latestOf,
} from './incident-model.js';

const incident = (patch: Partial<IncidentSummary> = {}): IncidentSummary => ({
  id: 'i1',
  title: 'Fight outside the Red Lion',
  cadReference: 'CAD 1234',
  createdAt: 1000,
  createdBy: { id: 'o1', name: 'PC Jones' },
  closedAt: null,
  sessionIds: ['s1', 's2'],
  ...patch,
});

const detail = (): IncidentDetail => ({
  incident: incident(),
  callers: [
    {
      label: 'Caller 1',
      session: summary('s1', 1000, { state: 'live', publishing: true }),
      track: [fix(52.48, -1.9, 2000)],
    },
    { label: 'Caller 2', session: summary('s2', 1100, { state: 'opened' }), track: [] },
  ],
  timeline: [
    { sessionId: 's1', label: 'Caller 1', event: event('e1', 1000, 'invite.sent') },
    { sessionId: 's2', label: 'Caller 2', event: event('e2', 1100, 'invite.sent') },
  ],
});

function socketFake() {
  const handlers = new Set<(m: ServerToConsole) => void>();
  const opens = new Set<(i: { reconnect: boolean }) => void>();
  const watched: string[] = [];
  const send = vi.fn((_m: unknown) => 'ref');
  const socket = {
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onOpen: (h: (i: { reconnect: boolean }) => void) => {
      opens.add(h);
      return () => opens.delete(h);
    },
    onReconnected: (h: () => void) => {
      const w = (i: { reconnect: boolean }) => i.reconnect && h();
      opens.add(w);
      return () => opens.delete(w);
    },
    connected: true,
    watch: (id: string) => watched.push(`+${id}`),
    unwatch: (id: string) => watched.push(`-${id}`),
    send,
  };
  return {
    socket: socket as unknown as ConsoleSocket,
    watched,
    send,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    reconnect: () => {
      for (const h of [...opens]) h({ reconnect: true });
    },
  };
}

describe('incident model', () => {
  it('merges live events into one timeline ordered by time, labelled by caller, without repeats', () => {
    let st = applyDetail(initialIncidentPage, detail());
    st = addEvent(st, 's2', event('e4', 3000, 'media.published'));
    st = addEvent(st, 's1', event('e3', 2500, 'consent.accepted'));
    st = addEvent(st, 's1', event('e3', 2500, 'consent.accepted'));
    st = addEvent(st, 'not-ours', event('x', 2600, 'link.opened'));
    expect(st.timeline.map((e) => `${e.label} ${e.event.type}`)).toEqual([
      'Caller 1 invite.sent',
      'Caller 2 invite.sent',
      'Caller 1 consent.accepted',
      'Caller 2 media.published',
    ]);
  });

  it("adds live fixes to the right caller's trail, and a reload keeps them", () => {
    let st = applyDetail(initialIncidentPage, detail());
    st = addFix(st, 's2', fix(52.49, -1.91, 3000));
    st = addFix(st, 's1', fix(52.481, -1.901, 3100));
    expect(latestOf(st.callers[0]!)?.lat).toBe(52.481);
    expect(latestOf(st.callers[1]!)?.lat).toBe(52.49);
    st = applyDetail(st, detail()); // a snapshot taken before those fixes
    expect(st.callers[1]!.track.map((f) => f.lat)).toEqual([52.49]);
  });

  it('gives callers different colours, told apart beyond the first few', () => {
    expect(new Set([0, 1, 2, 3, 4, 5, 6].map(callerColour)).size).toBe(CALLER_COLOURS.length);
  });
});

describe('IncidentController', () => {
  it('watches every session of the incident, and only those, as sessions join and leave', async () => {
    const s = socketFake();
    let d = detail();
    const ctl = new IncidentController('i1', {
      api: { incident: async () => d },
      socket: s.socket,
      iceServers: () => [],
      canViewLive: false,
    });
    ctl.start();
    await settle();
    expect(ctl.state.get().status).toBe('ready');
    expect(s.watched).toEqual(['+s1', '+s2']);
    // Another console moved s2 out and sent a third link from the incident.
    d = {
      ...d,
      incident: incident({ sessionIds: ['s1', 's3'] }),
      callers: [d.callers[0]!, { label: 'Caller 2', session: summary('s3', 1200), track: [] }],
    };
    s.deliver({ type: 'incident.updated', incident: d.incident });
    await settle();
    expect(s.watched).toEqual(['+s1', '+s2', '-s2', '+s3']);
    expect(ctl.state.get().callers.map((c) => c.session.id)).toEqual(['s1', 's3']);
    ctl.dispose();
    expect(s.watched.slice(-2).sort()).toEqual(['-s1', '-s3']);
  });

  it("starts a live view for each publishing caller, and one more when another caller's video starts", async () => {
    const s = socketFake();
    const ctl = new IncidentController('i1', {
      api: { incident: async () => detail() },
      socket: s.socket,
      iceServers: () => [],
      canViewLive: true,
    });
    ctl.start();
    await settle();
    const starts = () =>
      s.send.mock.calls
        .map((c) => c[0] as { type: string; sessionId?: string })
        .filter((m) => m.type === 'view.start');
    expect(starts().map((m) => m.sessionId)).toEqual(['s1']);
    s.deliver({ type: 'session.updated', session: summary('s2', 1100, { state: 'live', publishing: true }) });
    expect(starts().map((m) => m.sessionId)).toEqual(['s1', 's2']);
    expect(ctl.state.get().callers[1]!.session.state).toBe('live');
    expect(ctl.viewer('s2')).not.toBeNull();
    ctl.dispose();
  });

  it('shows not found for an unknown incident', async () => {
    const s = socketFake();
    const ctl = new IncidentController('nope', {
      api: {
        incident: async () => {
          throw new ApiRequestError(404, 'not_found', 'incident not found');
        },
      },
      socket: s.socket,
      iceServers: () => [],
      canViewLive: false,
    });
    ctl.start();
    await settle();
    expect(ctl.state.get()).toMatchObject({ status: 'not-found', error: 'incident not found' });
  });
});

describe('incident stores', () => {
  it('keeps the open list current from every console: new first, closed ones gone', async () => {
    const s = socketFake();
    const list = new IncidentListStore({ incidents: async () => [incident()] });
    list.connect(s.socket);
    await list.load();
    s.deliver({
      type: 'incident.updated',
      incident: incident({ id: 'i2', createdAt: 2000, sessionIds: [] }),
    });
    expect(list.get().incidents.map((i) => i.id)).toEqual(['i2', 'i1']);
    s.deliver({ type: 'incident.updated', incident: incident({ closedAt: 3000 }) });
    expect(list.get().incidents.map((i) => i.id)).toEqual(['i2']);
  });

  it('checks the title and CAD reference before sending, and sends them trimmed with the session', async () => {
    expect(validateIncident('', '')).toEqual({ title: 'Give the incident a short title.' });
    expect(validateIncident('Crash', 'CAD <1>')).toHaveProperty('cadReference');
    expect(validateIncident('Line\nbreak', '')).toHaveProperty('title');
    const createIncident = vi.fn(async () => incident());
    const form = new CreateIncidentForm({ createIncident }, 's1');
    form.setTitle('  Crash on the A38 ');
    form.setCadReference(' CAD 77/30NOV ');
    expect(await form.submit()).toMatchObject({ id: 'i1' });
    expect(createIncident).toHaveBeenCalledWith({
      title: 'Crash on the A38',
      cadReference: 'CAD 77/30NOV',
      sessionId: 's1',
    });
    expect(form.get().title).toBe('');
  });

  it('adds the session to the chosen incident, and says what went wrong if refused', async () => {
    const addToIncident = vi
      .fn()
      .mockResolvedValueOnce(incident())
      .mockRejectedValueOnce(new ApiRequestError(409, 'conflict', 'this incident is closed'));
    const add = new AddToIncident('s1', { addToIncident, removeFromIncident: vi.fn() });
    expect(await add.add()).toBeNull();
    expect(add.get().error).toBe('Choose an incident first.');
    add.choose('i1');
    expect(await add.add()).toMatchObject({ id: 'i1' });
    expect(addToIncident).toHaveBeenCalledWith('i1', 's1');
    add.choose('i1');
    expect(await add.add()).toBeNull();
    expect(add.get().error).toBe('this incident is closed');
  });
});
