import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GrowingFile } from './growing-file.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('GrowingFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'growing-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a file appended to in pieces, through a buffer smaller than each piece, to the same SHA-256 as the whole file', async () => {
    const path = join(dir, 'a.mjr.tmp');
    const parts = [bytes(1000, 1), bytes(37, 2), bytes(4096, 3)];
    writeFileSync(path, parts[0]!);
    const file = await GrowingFile.open(path);
    const buffer = Buffer.alloc(64);
    let offset = 0;
    const prefixes: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) appendFileSync(path, parts[i]!);
      offset = await file.hashTo(await file.size(), buffer);
      prefixes.push(file.prefixSha256());
    }
    await file.close();
    expect(offset).toBe(1000 + 37 + 4096);
    expect(prefixes).toEqual([
      sha(parts[0]!),
      sha(Buffer.concat(parts.slice(0, 2))),
      sha(Buffer.concat(parts)),
    ]);
  });

  it('keeps reading the same file after it is renamed from .mjr.tmp to .mjr', async () => {
    const tmp = join(dir, 'a.mjr.tmp');
    writeFileSync(tmp, bytes(100, 4));
    const file = await GrowingFile.open(tmp);
    renameSync(tmp, join(dir, 'a.mjr'));
    expect(await file.size()).toBe(100);
    expect(await file.hashTo(100, Buffer.alloc(16))).toBe(100);
    expect(file.prefixSha256()).toBe(sha(bytes(100, 4)));
    await file.close();
  });

  it('reports the offset it really reached when the file is shorter than asked, so no seal claims bytes it did not hash', async () => {
    const path = join(dir, 'a.mjr');
    writeFileSync(path, bytes(500, 5));
    const file = await GrowingFile.open(path);
    truncateSync(path, 200);
    expect(await file.hashTo(500, Buffer.alloc(128))).toBe(200);
    expect(file.hashed).toBe(200);
    expect(file.prefixSha256()).toBe(sha(bytes(500, 5).subarray(0, 200)));
    await file.close();
    await file.close();
  });

  it('a read that fails partway keeps the hash and the count in step, so the retry feeds no byte twice', async () => {
    const path = join(dir, 'a.mjr.tmp');
    const whole = bytes(1000, 6);
    writeFileSync(path, whole);
    const handle = await open(path, 'r');
    let reads = 0;
    // The real file, whose third read fails as a disk or NFS error would.
    const file = new GrowingFile({
      stat: () => handle.stat(),
      close: () => handle.close(),
      read: (b, o, l, p) =>
        ++reads === 3
          ? Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }))
          : handle.read(b, o, l, p),
    });
    const buffer = Buffer.alloc(128);
    await expect(file.hashTo(1000, buffer)).rejects.toThrow(/EIO/);
    expect(file.hashed).toBe(256);
    expect(file.prefixSha256()).toBe(sha(whole.subarray(0, 256)));
    expect(await file.hashTo(1000, buffer)).toBe(1000);
    expect(file.prefixSha256()).toBe(sha(whole));
    await file.close();
  });

  it('fails to open a file that does not exist', async () => {
    await expect(GrowingFile.open(join(dir, 'missing.mjr'))).rejects.toThrow(/ENOENT/);
  });
});
