import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../adapters/random.js';
import { eventId } from './event-id.js';

describe('eventId', () => {
  it('sorts in the order the ids were made, so events in one millisecond keep the order they were written', () => {
    const made = Array.from({ length: 2_000 }, () => eventId(cryptoRandom));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });
});
