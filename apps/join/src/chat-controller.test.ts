import { describe, expect, it } from 'vitest';
import { chatRefused } from './chat-controller.js';

// "You are sending messages too fast" is for the caller's typing; a burst of fixes or
// candidates the page sent by itself must not put it on screen.
describe('chatRefused', () => {
  it('is true only when the refused message was a chat message', () => {
    expect(chatRefused({ code: 'rate_limited', ref: 'chat:7a1d4f0e-8c2b-4f7e-9f3a-1b2c3d4e5f60' })).toBe(
      true,
    );
    expect(chatRefused({ code: 'rate_limited' })).toBe(false); // a location fix carries no id
    expect(chatRefused({ code: 'session_ended', ref: 'chat:x' })).toBe(false);
  });
});
