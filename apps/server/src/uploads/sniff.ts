/** What a file really is, judged by its first bytes, never by its name or the type it claims. */
export function sniffMediaType(head: Uint8Array): string | null {
  const b = head;
  const at = (offset: number, bytes: number[]) => bytes.every((v, i) => b[offset + i] === v);
  const ascii = (offset: number, s: string) =>
    at(
      offset,
      [...s].map((c) => c.charCodeAt(0)),
    );
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (at(0, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(4, 'ftyp')) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('3gp') || brand.startsWith('3g2')) return 'video/3gpp';
    return 'video/mp4';
  }
  return null;
}

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/avif': 'avif',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'video/3gpp': '3gp',
  'video/mp4': 'mp4',
};

/** The extension that matches the sniffed type (the stored name never trusts the caller's). */
export const extensionFor = (type: string) => EXT[type] ?? 'bin';

/** The containers a phone's MediaRecorder writes, judged by the first chunk's bytes. */
export type RecordingContainer = 'webm' | 'mp4';

/** Whether the first chunk of a device copy starts a WebM (EBML) or MP4 (video `ftyp` brand) recording. */
export function sniffRecording(head: Uint8Array): RecordingContainer | null {
  const type = sniffMediaType(head);
  if (type === 'video/webm') return 'webm';
  if (type === 'video/mp4' || type === 'video/quicktime') return 'mp4';
  return null;
}

/** Magic numbers of files that have no business in the middle of a recording. */
const FOREIGN: number[][] = [
  [0x50, 0x4b, 0x03, 0x04], // zip (also docx, apk, jar)
  [0x7f, 0x45, 0x4c, 0x46], // ELF executable
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x1f, 0x8b, 0x08], // gzip
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], // rar
];

/**
 * Whether a later chunk (seq > 0) starts a file of its own: a second recording spliced
 * in (an EBML header or an `ftyp` box), a photo, or an archive or program. A real
 * MediaRecorder stream writes its container header once, in the first chunk only.
 */
export function startsAnotherFile(head: Uint8Array): boolean {
  if (sniffMediaType(head) !== null) return true;
  return FOREIGN.some((magic) => magic.every((v, i) => head[i] === v));
}
