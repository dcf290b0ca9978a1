import { describe, expect, it } from 'vitest';
import { assertConsolePolicy, consoleMessageTypes } from './console-policy.js';

describe('console message policy', () => {
  it('covers every message type in the protocol (the server boots)', () => {
    expect(consoleMessageTypes()).toContain('watch');
    expect(() => assertConsolePolicy()).not.toThrow();
  });

  it('refuses to boot when a message type has no declared permission', () => {
    expect(() => assertConsolePolicy(['watch', 'evidence.peek'], { watch: 'session:read' })).toThrow(
      /console messages declare no permission: evidence\.peek/,
    );
  });
});
