import { describe, expect, it } from 'vitest';
import { matchRoute, Router, safeReturnPath } from './router.js';

describe('matchRoute', () => {
  it('maps every page', () => {
    expect(matchRoute('/')).toEqual({ name: 'dashboard' });
    expect(matchRoute('/login')).toEqual({ name: 'login' });
    expect(matchRoute('/admin/')).toEqual({ name: 'admin' });
    expect(matchRoute('/admin/turn')).toEqual({ name: 'turn-settings' });
    expect(matchRoute('/admin/webhooks')).toEqual({ name: 'webhooks' });
    expect(matchRoute('/admin/sign-in')).toEqual({ name: 'sign-in-settings' });
    expect(matchRoute('/admin/api-clients')).toEqual({ name: 'api-clients' });
    expect(matchRoute('/account')).toEqual({ name: 'account' });
    expect(matchRoute('/wall')).toEqual({ name: 'wall' });
    expect(matchRoute('/incidents')).toEqual({ name: 'incidents' });
    expect(matchRoute('/sessions/0b7c1f9e-9d7a-4a53-a5b5-1c2d3e4f5a6b')).toEqual({
      name: 'session',
      id: '0b7c1f9e-9d7a-4a53-a5b5-1c2d3e4f5a6b',
    });
  });

  it('maps an incident page', () => {
    expect(matchRoute('/incidents/0b7c1f9e-9d7a-4a53-a5b5-1c2d3e4f5a6b')).toEqual({
      name: 'incident',
      id: '0b7c1f9e-9d7a-4a53-a5b5-1c2d3e4f5a6b',
    });
    expect(matchRoute('/incidents/')).toEqual({ name: 'incidents' });
  });

  it('keeps the evidence view of a session apart from its live page', () => {
    expect(matchRoute('/library')).toEqual({ name: 'library' });
    expect(matchRoute('/library/abc-1')).toEqual({ name: 'evidence', id: 'abc-1', redact: false });
    expect(matchRoute('/library/abc-1/redact')).toEqual({ name: 'evidence', id: 'abc-1', redact: true });
    expect(matchRoute('/library/abc-1/other').name).toBe('not-found');
    expect(matchRoute('/retention')).toEqual({ name: 'retention' });
    expect(matchRoute('/sar/')).toEqual({ name: 'sar' });
    expect(matchRoute('/wellbeing')).toEqual({ name: 'wellbeing' });
    expect(matchRoute('/reports/take-up')).toEqual({ name: 'take-up' });
  });

  it("routes a field officer's shares and one share", () => {
    expect(matchRoute('/field')).toEqual({ name: 'field' });
    expect(matchRoute('/field/0b1c-2d')).toEqual({ name: 'field-share', id: '0b1c-2d', sessionId: null });
    expect(matchRoute('/field/0b1c-2d/s-9')).toEqual({
      name: 'field-share',
      id: '0b1c-2d',
      sessionId: 's-9',
    });
    expect(matchRoute('/field/a/b/c').name).toBe('not-found');
  });

  it('does not treat odd paths as a session id', () => {
    expect(matchRoute('/sessions/../admin').name).toBe('not-found');
    expect(matchRoute('/sessions/').name).toBe('not-found');
  });
});

describe('safeReturnPath', () => {
  it('refuses other origins and the login page itself', () => {
    expect(safeReturnPath('//evil.example/x')).toBe('/');
    expect(safeReturnPath('https://evil.example')).toBe('/');
    expect(safeReturnPath('/login')).toBe('/');
    expect(safeReturnPath('/sessions/abc')).toBe('/sessions/abc');
  });
});

describe('Router', () => {
  it('pushes history and updates the path store', () => {
    const pushed: string[] = [];
    const r = new Router({ pushState: (_d, _u, url) => pushed.push(url ?? ''), replaceState: () => {} }, '/');
    r.navigate('/admin');
    expect(pushed).toEqual(['/admin']);
    expect(r.route).toEqual({ name: 'admin' });
    r.navigate('/admin');
    expect(pushed).toHaveLength(1);
  });
});
