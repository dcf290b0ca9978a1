import zlib from 'node:zlib';
import yauzl from 'yauzl';

/**
 * Minimal promise wrapper over yauzl: list entries, then read any of them. Every read is
 * checked against the CRC-32 the zip records for the entry (yauzl checks sizes, not CRCs), so
 * a damaged or altered entry fails as it is read.
 */
export class ZipReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
  ) {}

  /** Opens a zip file by path, or one already in memory. */
  static open(source: string | Buffer): Promise<ZipReader> {
    const options = { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true };
    return new Promise((resolve, reject) => {
      const opened = (err: Error | null, zip?: yauzl.ZipFile) => {
        if (err || !zip) return reject(err ?? new Error('cannot open zip'));
        const entries = new Map<string, yauzl.Entry>();
        zip.on('entry', (e: yauzl.Entry) => {
          if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on('end', () => resolve(new ZipReader(zip, entries)));
        zip.on('error', reject);
        zip.readEntry();
      };
      if (typeof source === 'string') yauzl.open(source, options, opened);
      else yauzl.fromBuffer(source, options, opened);
    });
  }

  /**
   * Feeds an entry's bytes to `onChunk` as they are read. Resolves at the end; rejects if the
   * entry is damaged (inflate or size error) or its bytes do not match its CRC-32. Listeners
   * are attached before any byte flows, so no error can escape the caller.
   */
  forEachChunk(name: string, onChunk: (chunk: Buffer) => void): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`${name} is not in the package`));
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(entry, (err, s) => {
        if (err || !s) return reject(err ?? new Error(`cannot read ${name}`));
        let crc = 0;
        s.on('data', (c: Buffer) => {
          crc = crc32(c, crc);
          onChunk(c);
        });
        s.on('error', reject);
        s.on('end', () =>
          crc >>> 0 === entry.crc32 >>> 0
            ? resolve()
            : reject(
                new ZipCrcError(
                  `CRC-32 ${hex(crc)} does not match the ${hex(entry.crc32)} the zip records (the zip is damaged or was altered)`,
                ),
              ),
        );
      }),
    );
  }

  async read(name: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.forEachChunk(name, (c) => chunks.push(c));
    return Buffer.concat(chunks);
  }

  close(): void {
    this.zip.close();
  }
}

/** Thrown (as a stream error) when an entry's bytes do not match the CRC-32 the zip records. */
export class ZipCrcError extends Error {
  override name = 'ZipCrcError';
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

// zlib.crc32 exists from Node 20.15 / 22.2; below that, a table-driven one (same results).
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let table: Uint32Array | null = null;
function crc32(data: Uint8Array, value = 0): number {
  if (nativeCrc32) return nativeCrc32(data, value);
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
