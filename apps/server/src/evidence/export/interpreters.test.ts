import { describe, expect, it } from 'vitest';
import type { Dossier } from './dossier.js';
import { interpreterRole, withoutInterpreterIdentities } from './interpreters.js';
import { sessionFacts } from './manifest.js';
import { planSession } from './plan.js';

const dana = {
  id: 'i1',
  kind: 'bsl',
  language: 'British Sign Language',
  name: 'Dana Signer',
  organisation: 'Signs North Ltd',
  bookingRef: 'SN-48213',
};
const described = 'Dana Signer (British Sign Language, Signs North Ltd, booking SN-48213)';
const dossier = {
  interpreters: [dana, { ...dana, id: 'i2', kind: 'spoken', language: 'Polish', name: 'Eryk Tlumacz' }],
  timeline: [
    { id: 'e1', at: 1, type: 'interpreter.invited', actor: 'PC Handler', detail: described },
    { id: 'e2', at: 2, type: 'interpreter.joined', actor: 'Dana Signer', detail: described },
    { id: 'e3', at: 3, type: 'interpreter.expired', actor: null, detail: 'Eryk Tlumacz' },
    { id: 'e4', at: 4, type: 'session.ended', actor: 'PC Handler', detail: 'call over' },
  ],
} as unknown as Dossier;

describe('a subject-access view of interpreters', () => {
  it('names no interpreter: the timeline gives the role, the facts keep no name, organisation or booking', () => {
    const d = withoutInterpreterIdentities(dossier);
    expect(d.timeline.map((e) => [e.actor, e.detail])).toEqual([
      ['PC Handler', 'an interpreter (BSL)'],
      ['interpreter', 'an interpreter (BSL)'],
      [null, 'an interpreter (Polish)'],
      ['PC Handler', 'call over'],
    ]);
    expect(JSON.stringify(d)).not.toMatch(/Dana|Eryk|Signs North|SN-48213/);
  });

  it('describes a role without a person', () => {
    expect(interpreterRole(undefined)).toBe('interpreter');
    expect(interpreterRole({ kind: 'spoken', language: '' })).toBe('interpreter');
  });
});

describe('whose camera each recording is', () => {
  const rec = (id: string, source: string, interpreter_id: string | null) => ({
    id,
    source,
    interpreter_id,
    started_at: 1,
    ended_at: 2,
    media_started_at: null,
    video_codec: 'vp8',
    state: 'stored',
  });
  const item = (id: string, recordingId: string) => ({
    id,
    recording_id: recordingId,
    kind: 'master',
    file_name: `${recordingId}-video-0.mjr`,
    storage_key: `k/${id}`,
    sha256: 'x',
    size: 1,
    created_at: 1,
    derived_from: '[]',
    disposed_at: null,
  });
  const full = {
    ...dossier,
    session: { id: 'abcdef12-0000', reference: 'REF1', phone_masked: '+44 •••', created_at: 1 },
    audit: [],
    consentTexts: new Map(),
    viewers: [],
    track: [],
    seals: new Map(),
    notes: [],
    messages: [],
    outcomes: [],
    recordings: [rec('r-caller', 'caller', null), rec('r-interp', 'interpreter', 'i1')],
    items: [item('m1', 'r-caller'), item('m2', 'r-interp')],
  } as unknown as Dossier;

  it('names master folders and manifest facts by source, and the interpreter by name only outside a SAR', () => {
    const { meta } = planSession(full, 'full');
    const masters = meta
      .filter((m) => m.kind === 'master')
      .map((m) => [m.path.split('/').slice(2).join('/'), m.source]);
    expect(masters).toEqual([
      ['masters/caller-r-caller/r-caller-video-0.mjr', 'caller'],
      ['masters/interpreter-r-interp/r-interp-video-0.mjr', 'interpreter'],
    ]);
    const facts = (d: Dossier) => sessionFacts(d, 'masked').recordings.map((r) => [r.source, r.interpreter]);
    expect(facts(full)).toEqual([
      ['caller', null],
      [
        'interpreter',
        { id: 'i1', role: 'interpreter (BSL)', name: 'Dana Signer', organisation: 'Signs North Ltd' },
      ],
    ]);
    expect(facts(withoutInterpreterIdentities(full))[1]).toEqual([
      'interpreter',
      { id: 'i1', role: 'interpreter (BSL)', name: null, organisation: null },
    ]);
  });
});
