// Loaded only once sharing starts: records the camera on the phone itself and sends the
// full-quality copy in numbered chunks, so evidence is complete even if live video degraded.

const TIMESLICE_MS = 2_000;

interface Chunk {
  seq: number;
  blob: Blob;
}

async function errorCode(res: Response): Promise<string | null> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
  return body?.error?.code ?? null;
}

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * H264 first: phones encode it in hardware, and where software does the work (a test
 * machine), a VP8 recorder beside the live VP8 encoder starved a 2-core machine to about
 * 5 fps while OpenH264 left the live video at 30. Safari records only MP4.
 */
function pickType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  return (
    ['video/webm;codecs=h264,opus', 'video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'].find((t) =>
      MediaRecorder.isTypeSupported(t),
    ) ?? null
  );
}

/**
 * One recording "part" (a camera switch or a reload starts a new one). Chunks go
 * out one at a time, each with its SHA-256, retried until the server has them;
 * sending a chunk twice is harmless. When recording stops and every chunk has
 * arrived, the server is told to join them.
 */
export class DeviceCopy {
  readonly part = crypto.randomUUID().replace(/-/g, '').slice(0, 16);
  readonly #queue: Chunk[] = [];
  #recorder: MediaRecorder | null = null;
  /** Resolves on the recorder's stop event. */
  #recorderStopped: Promise<void> = Promise.resolve();
  /** The recorder has stopped and the copy is to be finished: joined once every chunk is sent. */
  #ending = false;
  #seq = 0;
  #sentBytes = 0;
  #totalBytes = 0;
  #allowed = true;
  #pumping = false;
  #stopped: Promise<void> | null = null;
  #finished = false;
  #givenUp = false;

  private constructor(
    private readonly mimeType: string,
    private readonly onProgress: (percent: number | null) => void,
  ) {}

  /**
   * Starts recording `stream`, or returns null if this browser cannot record. `onFailed` runs if
   * the recorder stops by itself mid-call (an encoder error): what it recorded is still sent,
   * and the caller of start() can begin the next part.
   */
  static start(
    stream: MediaStream,
    onProgress: (percent: number | null) => void,
    onFailed: () => void = () => {},
  ): DeviceCopy | null {
    const type = pickType();
    if (!type || stream.getTracks().length === 0) return null;
    const copy = new DeviceCopy(type, onProgress);
    const rec = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 2_500_000 });
    rec.addEventListener('error', () => {
      if (copy.#stopped || copy.#givenUp) return;
      void copy.stop();
      onFailed();
    });
    rec.ondataavailable = (e) => {
      if (e.data.size === 0 || copy.#givenUp) return;
      copy.#queue.push({ seq: copy.#seq++, blob: e.data });
      copy.#totalBytes += e.data.size;
      void copy.pump();
    };
    rec.start(TIMESLICE_MS);
    copy.#recorder = rec;
    copy.#recorderStopped = new Promise((resolve) =>
      rec.addEventListener('stop', () => resolve(), { once: true }),
    );
    return copy;
  }

  /** Whether to send now: during the call, only when the network has room (after it, always). */
  setAllowed(allowed: boolean): void {
    this.#allowed = allowed;
    if (allowed) void this.pump();
  }

  /** Bytes recorded but not yet on the server. */
  get remainingBytes(): number {
    return this.#totalBytes - this.#sentBytes;
  }

  get sentBytes(): number {
    return this.#sentBytes;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Finished with nothing recorded: there is no copy to speak of. */
  get empty(): boolean {
    return this.#finished && this.#seq === 0;
  }

  /** Stops recording; sending continues until everything has arrived. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const rec = this.#recorder;
      if (rec && rec.state !== 'inactive') rec.stop();
      // The last chunk arrives (dataavailable) before the recorder's stop event, also when it
      // stopped by itself after an error: only then is the count of chunks final.
      await this.#recorderStopped;
      this.#ending = true;
      this.#allowed = true;
      await this.pump();
    })();
    return this.#stopped;
  }

  /** Stops recording and sending for good: the copy is chunks 0…seq-1. */
  private giveUp(seq: number): void {
    this.#givenUp = true;
    this.#ending = true;
    this.#queue.length = 0;
    this.#seq = seq;
    this.#stopped ??= Promise.resolve();
    if (this.#recorder && this.#recorder.state !== 'inactive') this.#recorder.stop();
  }

  private report(): void {
    this.onProgress(this.#totalBytes === 0 ? null : Math.floor((100 * this.#sentBytes) / this.#totalBytes));
  }

  private async pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length && this.#allowed) {
        const chunk = this.#queue[0]!;
        const sent = await this.send(chunk);
        if (sent === 'ended') {
          // The call is over and this part had not started in time: the server keeps what it has.
          this.giveUp(chunk.seq);
          this.#finished = true;
          this.report();
          return;
        }
        if (sent === 'refused') {
          // Over the server's size limit, or not taken as part of a recording: sending more cannot
          // help, but what arrived before this chunk is joined and stored.
          this.giveUp(chunk.seq);
          await this.complete();
          return;
        }
        if (sent) {
          this.#queue.shift();
          this.#sentBytes += chunk.blob.size;
          this.report();
        } else {
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
      if (this.#ending && this.#queue.length === 0 && !this.#finished) await this.complete();
    } finally {
      this.#pumping = false;
    }
  }

  /**
   * True once the server has the chunk; 'refused' if it never will (413, 400); 'ended' if the
   * call is over and the server takes no more of this part; false to try again (network errors,
   * 507 storage full, 422 damaged on the way).
   */
  private async send(chunk: Chunk): Promise<boolean | 'refused' | 'ended'> {
    try {
      const res = await fetch(`/api/device-copy/${this.part}/${chunk.seq}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'x-chunk-sha256': await sha256(chunk.blob) },
        body: chunk.blob,
        credentials: 'same-origin',
      });
      if (res.status === 413 || res.status === 400) return 'refused';
      if (res.status === 409) return (await errorCode(res)) === 'session_ended' ? 'ended' : true; // else: already there
      return res.ok;
    } catch {
      return false;
    }
  }

  private async complete(): Promise<void> {
    if (this.#seq === 0) {
      this.#finished = true; // nothing was recorded: nothing to join
      this.report();
      return;
    }
    // 507 means the server has the chunks but cannot store the copy yet: that does not use up attempts.
    for (let attempt = 0; attempt < 30; attempt++) {
      const res = await fetch(`/api/device-copy/${this.part}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chunks: this.#seq, mimeType: this.mimeType }),
        credentials: 'same-origin',
      }).catch(() => null);
      // 409 session_ended: too late to join (the first chunk never arrived); nothing more to do.
      if (res?.ok || (res?.status === 409 && (await errorCode(res)) === 'session_ended')) {
        this.#finished = true;
        this.report();
        return;
      }
      if (res?.status === 507) attempt--;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}
