import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { summary } from '../testing/fixtures.js';
import { InviteForm, parseMinutes, validateInvite } from './invite-form.js';

describe('validateInvite', () => {
  it('asks for a number and checks the reference characters', () => {
    expect(validateInvite('  ', '')).toEqual({ phone: "Enter the caller's mobile number." });
    expect(validateInvite('07911 123456', 'CAD 12/28NOV')).toEqual({});
    expect(validateInvite('07911 123456', 'CAD <b>').reference).toMatch(/letters, numbers/);
  });
});

describe('location minutes', () => {
  it('accepts whole minutes from 5 to 24 hours', () => {
    expect(parseMinutes(' 120 ')).toBe(120);
    expect(parseMinutes('5')).toBe(5);
    expect(parseMinutes('1440')).toBe(1440);
    expect(parseMinutes('4')).toBeNull();
    expect(parseMinutes('1441')).toBeNull();
    expect(parseMinutes('12.5')).toBeNull();
    expect(parseMinutes('')).toBeNull();
    expect(validateInvite('07911 123456', '', '2').locationMinutes).toMatch(/5 to 1440/);
  });
});

describe('InviteForm', () => {
  it('sends the mode and language, and minutes only for a location-only link', async () => {
    const createInvite = vi.fn(async () => ({ session: summary('s1', 1), link: 'https://x/j/abc' }));
    const form = new InviteForm({ createInvite });
    form.setPhone('07911 123456');
    form.setMode('location');
    form.setLanguage('pl');
    form.setLocationMinutes('45');
    await form.submit();
    expect(createInvite).toHaveBeenLastCalledWith(
      {
        phone: '07911 123456',
        mode: 'location',
        language: 'pl',
        locationMinutes: 45,
      },
      expect.any(String),
    );
    // Back to the defaults for the next call.
    expect(form.get()).toMatchObject({ mode: 'video', language: 'en', locationMinutes: '120' });

    form.setPhone('07911 123456');
    form.setMode('two-way');
    form.setLocationMinutes('3');
    await form.submit();
    expect(createInvite).toHaveBeenLastCalledWith(
      { phone: '07911 123456', mode: 'two-way', language: 'en' },
      expect.any(String),
    );
  });

  it('keeps a location-only link with bad minutes from being sent', async () => {
    const createInvite = vi.fn();
    const form = new InviteForm({ createInvite });
    form.setPhone('07911 123456');
    form.setMode('location');
    form.setLocationMinutes('2000');
    expect(await form.submit()).toBe(false);
    expect(form.get().errors.locationMinutes).toBeDefined();
    expect(createInvite).not.toHaveBeenCalled();
    form.setMode('video');
    expect(form.get().errors.locationMinutes).toBeUndefined();
  });

  it("puts the server's phone-number message under the phone field", async () => {
    const message =
      'That looks like a landline number, which cannot receive a text message. Ask for a mobile number.';
    const form = new InviteForm({
      createInvite: async () => {
        throw new ApiRequestError(422, 'invalid_phone_number', message, { phone: message });
      },
    });
    form.setPhone('020 7946 0000');
    expect(await form.submit()).toBe(false);
    expect(form.get().errors).toEqual({ phone: message });
    expect(form.get().phone).toBe('020 7946 0000');
    form.setPhone('07911 123456');
    expect(form.get().errors.phone).toBeUndefined();
  });

  it('shows a per-number invite limit under the phone field, and a per-officer one for the form', async () => {
    const perNumber =
      'This number has already been sent 5 links in the last hour. Ask the caller to use the last one, or try again in 12 minutes.';
    const form = new InviteForm({
      createInvite: async () => {
        throw new ApiRequestError(429, 'invite_limit_number', perNumber, { phone: perNumber });
      },
    });
    form.setPhone('07911 123456');
    expect(await form.submit()).toBe(false);
    expect(form.get().errors).toEqual({ phone: perNumber });

    const perOfficer =
      'You have sent 10 links in the last minute, the most allowed. Try again in 20 seconds.';
    const busy = new InviteForm({
      createInvite: async () => {
        throw new ApiRequestError(429, 'invite_limit_officer', perOfficer);
      },
    });
    busy.setPhone('07911 123456');
    expect(await busy.submit()).toBe(false);
    expect(busy.get().errors).toEqual({ form: perOfficer });
    expect(busy.get().phone).toBe('07911 123456');
  });

  it('sends a trimmed number, omits an empty reference, and clears the form on success', async () => {
    const createInvite = vi.fn(async () => ({ session: summary('s1', 1), link: 'https://x/j/abc' }));
    const onCreated = vi.fn();
    const form = new InviteForm({ createInvite }, onCreated);
    form.setPhone(' 07911 123456 ');
    form.setReference('  ');
    expect(await form.submit()).toBe(true);
    expect(createInvite).toHaveBeenCalledWith(
      { phone: '07911 123456', mode: 'video', language: 'en' },
      expect.any(String),
    );
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ id: 's1' }));
    expect(form.get()).toMatchObject({
      phone: '',
      reference: '',
      sending: false,
      result: { link: 'https://x/j/abc' },
    });
  });

  it('does not call the server when the number is missing', async () => {
    const createInvite = vi.fn();
    const form = new InviteForm({ createInvite });
    expect(await form.submit()).toBe(false);
    expect(createInvite).not.toHaveBeenCalled();
  });

  it('maps schema errors to their fields and anything else to the form', async () => {
    const form = new InviteForm({
      createInvite: async () => {
        throw new ApiRequestError(400, 'bad_request', 'reference: bad', { reference: 'use letters only' });
      },
    });
    form.setPhone('07911 123456');
    await form.submit();
    expect(form.get().errors).toEqual({ reference: 'Use letters only.' });

    const down = new InviteForm({
      createInvite: async () => {
        throw new ApiRequestError(0, 'network', 'Cannot reach the Sightline server.');
      },
    });
    down.setPhone('07911 123456');
    await down.submit();
    expect(down.get().errors).toEqual({ form: 'Cannot reach the Sightline server.' });
  });

  it('keeps the press’s key after a lost answer, so pressing again cannot send a second text', async () => {
    const keys: string[] = [];
    let fail: ApiRequestError | null = new ApiRequestError(0, 'network', 'no connection');
    const createInvite = vi.fn(async (_body: unknown, key?: string) => {
      keys.push(key!);
      if (fail) throw fail;
      return { session: summary('s1', 1), link: 'https://x/j/abc' };
    });
    let n = 0;
    const form = new InviteForm(
      { createInvite },
      () => {},
      () => `key-${++n}`,
    );
    form.setPhone('07911 123456');
    await form.submit();
    await form.submit(); // the same press again: same key
    // A proxy gave up waiting (the server may still be sending): the same press too.
    fail = new ApiRequestError(504, 'bad_response', 'The server had a problem (HTTP 504).');
    await form.submit();
    fail = new ApiRequestError(429, 'invite_limit_number', 'too many');
    await form.submit();
    await form.submit(); // a definite answer ends the press: a new key
    fail = null;
    form.setPhone('07911 123457'); // an edit is a new press
    await form.submit();
    expect(keys).toEqual(['key-1', 'key-1', 'key-1', 'key-1', 'key-2', 'key-3']);
  });
});

describe('invite pilot workflows', () => {
  it('sends a missing-person search with its alert threshold and a 12-hour window', async () => {
    const createInvite = vi.fn(async () => ({ session: summary('s1', 1), link: 'https://x/j/t' }));
    const form = new InviteForm(
      { createInvite },
      () => {},
      () => 'k',
    );
    form.setPhone('07911 123456');
    form.setMode('location');
    form.setWorkflow({ missingPerson: true, fixAlertMinutes: '10' });
    expect(form.get().locationMinutes).toBe('720');
    expect(await form.submit()).toBe(true);
    expect(createInvite).toHaveBeenCalledWith(
      expect.objectContaining({
        mode: 'location',
        locationMinutes: 720,
        workflow: { kind: 'missing-person', fixAlertMinutes: 10 },
      }),
      'k',
    );
  });

  it('sends a two-way link with check details only when they are complete', async () => {
    const createInvite = vi.fn(async () => ({ session: summary('s1', 1), link: 'https://x/j/t' }));
    const form = new InviteForm(
      { createInvite },
      () => {},
      () => 'k',
    );
    form.setPhone('07911 123456');
    form.setMode('two-way');
    form.setWorkflow({ checkSubject: 'John Smith' });
    expect(await form.submit()).toBe(false);
    expect(form.get().errors).toMatchObject({ checkCondition: 'Choose the condition.' });
    form.setWorkflow({ checkCondition: 'curfew', checkDetail: '12 High St, 19:00–07:00' });
    expect(await form.submit()).toBe(true);
    expect(createInvite).toHaveBeenCalledWith(
      expect.objectContaining({
        workflow: {
          kind: 'bail-check',
          check: { subject: 'John Smith', condition: 'curfew', conditionDetail: '12 High St, 19:00–07:00' },
        },
      }),
      'k',
    );
  });
});

describe('link validity', () => {
  it('sends the chosen minutes, nothing when blank, and shows the server’s range under the box', async () => {
    const createInvite = vi.fn(async () => ({ session: summary('s1', 1), link: 'https://x/j/abc' }));
    const form = new InviteForm({ createInvite });
    form.setPhone('07911 123456');
    form.setValidMinutes('90');
    await form.submit();
    expect(createInvite).toHaveBeenLastCalledWith(
      { phone: '07911 123456', mode: 'video', language: 'en', validMinutes: 90 },
      expect.any(String),
    );
    expect(form.get().validMinutes).toBe('');

    form.setPhone('07911 123456');
    form.setValidMinutes('1.5');
    expect(await form.submit()).toBe(false);
    expect(form.get().errors.validMinutes).toMatch(/whole minutes/);

    createInvite.mockRejectedValueOnce(
      new ApiRequestError(400, 'bad_request', 'a link is valid for 5 to 1440 minutes', {
        validMinutes: 'between 5 and 1440 minutes',
      }),
    );
    form.setValidMinutes('2');
    expect(await form.submit()).toBe(false);
    expect(form.get().errors.validMinutes).toBe('Valid for between 5 and 1440 minutes.');
  });
});
