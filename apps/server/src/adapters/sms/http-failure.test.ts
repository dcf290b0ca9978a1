import { describe, expect, it } from 'vitest';
import { classifyHttpFailure } from './http-failure.js';

const net = (code: string) => Object.assign(new Error(code), { code });

describe('what a failed HTTP send means for a second try', () => {
  it('takes a 4xx answer as a definite refusal, with the provider’s words', () => {
    const e = classifyHttpFailure('Twilio', new Error('x'), { status: 400, message: '21211 invalid To' });
    expect(e.kind).toBe('refused');
    expect(e.definite).toBe(true);
    expect(e.reason).toBe('Twilio refused the text: 21211 invalid To');
  });

  it('takes a 5xx as ambiguous: the provider may have taken it', () => {
    const e = classifyHttpFailure('GOV.UK Notify', new Error('x'), { status: 502, message: 'Bad gateway' });
    expect(e.kind).toBe('ambiguous');
    expect(e.definite).toBe(false);
  });

  it('takes a refused or unresolvable connection as unreachable (nothing sent)', () => {
    expect(classifyHttpFailure('Twilio', net('ECONNREFUSED'), null).kind).toBe('unreachable');
    expect(classifyHttpFailure('Twilio', { cause: net('ENOTFOUND') }, null).kind).toBe('unreachable');
  });

  it('takes a timeout or a reset mid-request as ambiguous', () => {
    const timeout = classifyHttpFailure('Twilio', net('ECONNABORTED'), null);
    expect(timeout.kind).toBe('ambiguous');
    expect(timeout.reason).toBe('no answer from Twilio in time; the text may still arrive');
    expect(classifyHttpFailure('Twilio', net('ECONNRESET'), null).kind).toBe('ambiguous');
  });
});
