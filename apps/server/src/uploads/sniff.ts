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
