// Loaded only when the caller chooses to send a photo or video (kept out of the first load).

const CHUNK = 4 * 1024 * 1024;
const TUS = { 'tus-resumable': '1.0.0' };

export type UploadOutcome = 'done' | 'kept' | 'rejected' | 'too-big';

/** 507: the police system's storage is full or read-only; what arrived is kept, so keep trying. */
const STORAGE_UNAVAILABLE = 507;

/** Waits for `ms`, or less if the phone comes back online. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      window.removeEventListener('online', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    window.addEventListener('online', done);
  });
}

/** A PATCH that has moved no bytes for this long is on a dead connection. */
const STALL_MS = 15_000;

/**
 * Sends one PATCH with progress events; resolves with the new offset, or rejects on a
 * network failure. Going offline or a stalled transfer abandons the request at once:
 * after a network change the old connection is dead, and waiting for TCP to notice
 * would take minutes.
 */
function patch(
  url: string,
  offset: number,
  blob: Blob,
  onBytes: (n: number) => void,
): Promise<{ status: number; offset: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let stall: ReturnType<typeof setTimeout> | undefined;
    const abandon = () => xhr.abort();
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(abandon, STALL_MS);
    };
    const settle = () => {
      clearTimeout(stall);
      window.removeEventListener('offline', abandon);
    };
    xhr.open('PATCH', url);
    xhr.setRequestHeader('tus-resumable', '1.0.0');
    xhr.setRequestHeader('upload-offset', String(offset));
    xhr.setRequestHeader('content-type', 'application/offset+octet-stream');
    xhr.upload.onprogress = (e) => {
      watch();
      onBytes(e.loaded);
    };
    xhr.onload = () => {
      settle();
      resolve({ status: xhr.status, offset: Number(xhr.getResponseHeader('upload-offset') ?? offset) });
    };
    xhr.onerror = xhr.onabort = () => {
      settle();
      reject(new Error('network'));
    };
    window.addEventListener('offline', abandon);
    watch();
    xhr.send(blob);
  });
}

/**
 * Uploads a file with the tus 1.0 protocol in 4 MB pieces. After any failure it
 * asks the server how much arrived (HEAD) and carries on from there, for as long
 * as it takes: a phone on a bad network gets there in the end.
 */
export async function uploadFile(
  file: File,
  onProgress: (sent: number, total: number) => void,
  onStorage: (unavailable: boolean) => void = () => {},
): Promise<UploadOutcome> {
  const meta = `filename ${btoa(unescape(encodeURIComponent(file.name)))},filetype ${btoa(file.type || 'application/octet-stream')}`;
  let location: string | null = null;
  for (let attempt = 0; !location; attempt++) {
    try {
      const res = await fetch('/api/uploads', {
        method: 'POST',
        headers: { ...TUS, 'upload-length': String(file.size), 'upload-metadata': meta },
        credentials: 'same-origin',
      });
      if (res.status === 413) return 'too-big';
      onStorage(res.status === STORAGE_UNAVAILABLE);
      if (res.status === 201) location = res.headers.get('location');
      else if (res.status < 500) throw new Error(`refused: ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('refused')) throw err;
    }
    if (!location) await pause(Math.min(1000 * 2 ** attempt, 8000));
  }
  let offset = 0;
  let failures = 0;
  let storageDown = false;
  while (offset < file.size) {
    try {
      const end = Math.min(offset + CHUNK, file.size);
      const r = await patch(location, offset, file.slice(offset, end), (n) =>
        onProgress(offset + n, file.size),
      );
      if (r.status === 400) return 'rejected';
      if (r.status === 413) return 'too-big';
      storageDown = r.status === STORAGE_UNAVAILABLE;
      onStorage(storageDown);
      if (r.status !== 204) throw new Error(`status ${r.status}`);
      offset = r.offset;
      failures = 0;
      onProgress(offset, file.size);
    } catch {
      await pause(Math.min(1000 * 2 ** failures++, 8000));
      // Where did the server get to? Carry on from exactly there.
      const head = await fetch(location, { method: 'HEAD', headers: TUS, credentials: 'same-origin' }).catch(
        () => null,
      );
      if (head?.ok) offset = Number(head.headers.get('upload-offset') ?? offset);
    }
  }
  // Every byte arrived, but the last answer said it could not be stored yet: the server keeps it.
  return storageDown ? 'kept' : 'done';
}
