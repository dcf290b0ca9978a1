import type { Note } from '@sightline/protocol';
import { type ApiClient, errorMessage } from '../api/api-client.js';
import { formatMediaTime } from '../evidence/playback.js';
import { Store } from '../lib/store.js';

/** Where in the evidence a note points: the player's position when it was written. */
export interface NotePosition {
  recordingId: string;
  mediaTime: number;
  /** Wall-clock ms of that media time. */
  at: number;
}

export interface NotesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  notes: Note[];
  error: string | null;
  draft: { kind: Note['kind']; text: string };
  sending: boolean;
  formError: string | null;
}

const INITIAL: NotesState = {
  status: 'idle',
  notes: [],
  error: null,
  draft: { kind: 'note', text: '' },
  sending: false,
  formError: null,
};

/** Notes in the order of the moments they refer to; notes written at the same moment by writing time. */
export function sortNotes(notes: readonly Note[]): Note[] {
  return [...notes].sort((a, b) => a.at - b.at || a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** Bookmarks may be left blank; they are then named after where they point. */
export function noteText(kind: Note['kind'], text: string, pos: NotePosition | null): string | null {
  const t = text.trim();
  if (t) return t;
  if (kind === 'bookmark') return pos ? `Bookmark at ${formatMediaTime(pos.mediaTime)}` : 'Bookmark';
  return null;
}

/**
 * A session's notes and bookmarks. Append-only by design, like the rest of the
 * evidence record: there is no edit or delete, a correction is a new note.
 */
export class NotesStore extends Store<NotesState> {
  #seq = 0;
  #disposed = false;

  constructor(
    private readonly api: Pick<ApiClient, 'notes' | 'addNote'>,
    private readonly sessionId: string,
  ) {
    super(INITIAL);
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    if (this.get().status !== 'ready') this.patch({ status: 'loading', error: null });
    try {
      const notes = sortNotes(await this.api.notes(this.sessionId));
      if (seq === this.#seq && !this.#disposed) this.patch({ status: 'ready', notes, error: null });
    } catch (err) {
      if (seq === this.#seq && !this.#disposed) this.patch({ status: 'error', error: errorMessage(err) });
    }
  }

  setDraft(patch: Partial<NotesState['draft']>): void {
    this.patch({ draft: { ...this.get().draft, ...patch }, formError: null });
  }

  /** Adds the draft at the player's position (or, with nothing playing, at no particular moment). */
  async add(pos: NotePosition | null): Promise<boolean> {
    const { draft, sending } = this.get();
    if (sending) return false;
    const text = noteText(draft.kind, draft.text, pos);
    if (!text) {
      this.patch({ formError: 'Write the note first.' });
      return false;
    }
    if (text.length > 2000) {
      this.patch({ formError: 'Use at most 2,000 characters; split a long note in two.' });
      return false;
    }
    this.patch({ sending: true, formError: null });
    try {
      const note = await this.api.addNote(this.sessionId, {
        kind: draft.kind,
        text,
        ...(pos
          ? { mediaTime: Math.round(pos.mediaTime * 1000) / 1000, recordingId: pos.recordingId, at: pos.at }
          : {}),
      });
      if (this.#disposed) return false;
      const notes = sortNotes([...this.get().notes.filter((n) => n.id !== note.id), note]);
      this.patch({ sending: false, notes, draft: { kind: draft.kind, text: '' } });
      return true;
    } catch (err) {
      if (!this.#disposed) this.patch({ sending: false, formError: errorMessage(err) });
      return false;
    }
  }

  dispose(): void {
    this.#disposed = true;
  }
}
