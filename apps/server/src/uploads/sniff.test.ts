import { describe, expect, it } from 'vitest';
import { sniffMediaType, sniffRecording, startsAnotherFile } from './sniff.js';

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

describe('device copy chunks', () => {
  it('a first chunk must start a WebM or MP4 recording', () => {
    expect(sniffRecording(bytes([0x1a, 0x45, 0xdf, 0xa3], 'webm'))).toBe('webm');
    expect(sniffRecording(bytes([0, 0, 0, 0x18], 'ftypisom'))).toBe('mp4');
    expect(sniffRecording(bytes([0, 0, 0, 0x18], 'ftypheic'))).toBeNull(); // a photo
    expect(sniffRecording(bytes('MZ', [0x90, 0]))).toBeNull();
  });

  it('a later chunk must not start another file', () => {
    expect(startsAnotherFile(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toBe(true); // a second recording
    expect(startsAnotherFile(bytes([0, 0, 0, 0x18], 'ftypmp42'))).toBe(true);
    expect(startsAnotherFile(bytes([0x50, 0x4b, 3, 4]))).toBe(true);
    expect(startsAnotherFile(bytes('%PDF-1.7'))).toBe(true);
    expect(startsAnotherFile(bytes([0x1f, 0x43, 0xb6, 0x75]))).toBe(false); // a WebM cluster
    expect(startsAnotherFile(bytes([0, 0, 0, 0x18], 'moof'))).toBe(false); // an MP4 fragment
  });
});
