import { describe, expect, it } from 'vitest';
import { sniffMediaType } from './sniff.js';

const bytes = (...parts: Array<number[] | string>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffMediaType', () => {
  it('recognises photos and videos by their first bytes', () => {
    expect(sniffMediaType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffMediaType(bytes('RIFF', [0, 0, 0, 0], 'WEBP'))).toBe('image/webp');
    expect(sniffMediaType(bytes([0, 0, 0, 0x18], 'ftypheic'))).toBe('image/heic');
    expect(sniffMediaType(bytes([0, 0, 0, 0x18], 'ftypqt  '))).toBe('video/quicktime');
    expect(sniffMediaType(bytes([0, 0, 0, 0x18], 'ftypisom'))).toBe('video/mp4');
    expect(sniffMediaType(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toBe('video/webm');
  });

  it('rejects anything else, whatever it is called', () => {
    expect(sniffMediaType(bytes('MZ', [0x90, 0]))).toBeNull(); // a Windows program
    expect(sniffMediaType(bytes('%PDF-1.7'))).toBeNull();
    expect(sniffMediaType(bytes('<html>'))).toBeNull();
    expect(sniffMediaType(new Uint8Array())).toBeNull();
  });
});
