import type { Note } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { NotesStore, noteText, sortNotes } from './notes-store.js';

const note = (id: string, at: number, createdAt = at, patch: Partial<Note> = {}): Note => ({
  id,
  sessionId: 's1',
  kind: 'note',
  text: id,
  mediaTime: null,
  recordingId: null,
  at,
  createdAt,
  author: { id: 'o1', name: 'PC Jones' },
  ...patch,
});

describe('notes', () => {
  it('orders notes by the moment they refer to, not when they were written', () => {
    expect(
      sortNotes([note('late', 500, 1), note('early', 100, 9), note('same', 100, 2)]).map((n) => n.id),
    ).toEqual(['same', 'early', 'late']);
  });

  it('names a blank bookmark after its position, but a note needs text', () => {
    const pos = { recordingId: 'r1', mediaTime: 7.44, at: 1 };
    expect(noteText('bookmark', ' ', pos)).toBe('Bookmark at 0:07.4');
    expect(noteText('bookmark', '', null)).toBe('Bookmark');
    expect(noteText('note', '  ', pos)).toBeNull();
  });

  it('adds a note at the player position and inserts it in order', async () => {
    const addNote = vi.fn(async (_s: string, b: { text: string; at?: number; mediaTime?: number }) =>
      note('n2', b.at ?? 0, 50, { text: b.text, mediaTime: b.mediaTime ?? null }),
    );
    const st = new NotesStore({ notes: async () => [note('n1', 100), note('n3', 900)], addNote }, 's1');
    await st.load();
    st.setDraft({ text: 'Suspect enters the shop' });
    expect(await st.add({ recordingId: 'r1', mediaTime: 12.3456, at: 500 })).toBe(true);
    expect(addNote).toHaveBeenCalledWith('s1', {
      kind: 'note',
      text: 'Suspect enters the shop',
      mediaTime: 12.346,
      recordingId: 'r1',
      at: 500,
    });
    expect(st.get().notes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    expect(st.get().draft.text).toBe('');
  });

  it('refuses an empty note without asking the server', async () => {
    const addNote = vi.fn();
    const st = new NotesStore({ notes: async () => [], addNote }, 's1');
    expect(await st.add(null)).toBe(false);
    expect(st.get().formError).toBe('Write the note first.');
    expect(addNote).not.toHaveBeenCalled();
  });
});
