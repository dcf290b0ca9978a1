import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecretBox } from './secret-box.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'secret-box-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SecretBox', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const box = loadOrCreateSecretBox(tempDir(), 'test');
    const sealed = box.seal('https://example.org/j/secret-token', 'row-1');
    expect(sealed).not.toContain('secret-token');
    expect(box.open(sealed, 'row-1')).toBe('https://example.org/j/secret-token');
  });

  it('refuses another context, a damaged value and another key', () => {
    const dir = tempDir();
    const box = loadOrCreateSecretBox(dir, 'test');
    const sealed = box.seal('secret', 'row-1');
    expect(box.open(sealed, 'row-2')).toBeNull();
    expect(box.open(`${sealed.slice(0, -2)}AA`, 'row-1')).toBeNull();
    expect(box.open('short', 'row-1')).toBeNull();
    expect(loadOrCreateSecretBox(tempDir(), 'test').open(sealed, 'row-1')).toBeNull();
  });

  it('keeps its key across restarts in a file only the server can read', () => {
    const dir = tempDir();
    const sealed = loadOrCreateSecretBox(dir, 'test').seal('secret', 'ctx');
    expect(loadOrCreateSecretBox(dir, 'test').open(sealed, 'ctx')).toBe('secret');
    expect(statSync(join(dir, 'test.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'test.key'))).toHaveLength(32);
  });
});
