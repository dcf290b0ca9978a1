import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** Minimal promise wrapper over yauzl: list entries, then stream any of them. */
export class ZipReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
  ) {}

  static open(path: string): Promise<ZipReader> {
    return new Promise((resolve, reject) => {
      yauzl.open(
        path,
        { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true },
        (err, zip) => {
          if (err || !zip) return reject(err ?? new Error('cannot open zip'));
          const entries = new Map<string, yauzl.Entry>();
          zip.on('entry', (e: yauzl.Entry) => {
            if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
            zip.readEntry();
          });
          zip.on('end', () => resolve(new ZipReader(zip, entries)));
          zip.on('error', reject);
          zip.readEntry();
        },
      );
    });
  }

  stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`${name} is not in the package`));
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(entry, (err, s) => (err || !s ? reject(err) : resolve(s))),
    );
  }

  async read(name: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await this.stream(name)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  close(): void {
    this.zip.close();
  }
}
