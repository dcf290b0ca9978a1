import type { Note } from '@sightline/protocol';
import type { FormEvent } from 'react';
import { formatMediaTime } from '../evidence/playback.js';
import { fieldAria } from '../lib/Field.js';
import { formatDateTime, formatTime } from '../lib/format.js';
import { useStore } from '../lib/use-store.js';
import type { NotePosition, NotesStore } from './notes-store.js';

/**
 * Notes and bookmarks on the evidence, each pinned to the moment in the
 * recording it was written at. Append-only: the page says so, because an
 * officer will look for the edit button.
 */
export function NotesPanel({
  notes,
  canAnnotate,
  position,
  onAdd,
  onSeek,
}: {
  notes: NotesStore;
  canAnnotate: boolean;
  /** Where a note written now would point (the player's position), if anything is playing. */
  position: NotePosition | null;
  onAdd: () => void;
  onSeek: (n: Note) => void;
}) {
  const st = useStore(notes);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onAdd();
  };

  return (
    <section className="card notes-card" aria-labelledby="notes-title">
      <div className="card-head">
        <h2 id="notes-title">Notes and bookmarks</h2>
        <span className="muted">{st.notes.length ? `${st.notes.length}` : ''}</span>
      </div>
      {canAnnotate ? (
        <form className="note-form" onSubmit={onSubmit} noValidate>
          <div className="note-form-row">
            <div className="field">
              <label htmlFor="note-kind">Type</label>
              <select
                id="note-kind"
                data-testid="note-kind"
                value={st.draft.kind}
                onChange={(e) =>
                  notes.setDraft({ kind: e.target.value === 'bookmark' ? 'bookmark' : 'note' })
                }
              >
                <option value="note">Note</option>
                <option value="bookmark">Bookmark</option>
              </select>
            </div>
            <p className="note-at" id="note-at">
              {position ? (
                <>
                  At <span className="mono">{formatMediaTime(position.mediaTime)}</span> in the recording (
                  {formatTime(position.at)})
                </>
              ) : (
                'Not tied to a moment: nothing is playing.'
              )}
            </p>
          </div>
          <div className="field">
            <label htmlFor="note-text">{st.draft.kind === 'bookmark' ? 'Label (optional)' : 'Note'}</label>
            <textarea
              {...fieldAria('note-text', 'note-rule', st.formError)}
              data-testid="note-text"
              rows={3}
              maxLength={2000}
              value={st.draft.text}
              onChange={(e) => notes.setDraft({ text: e.target.value })}
            />
            {st.formError ? (
              <p id="note-text-error" className="field-error" role="alert">
                {st.formError}
              </p>
            ) : null}
          </div>
          <p id="note-text-hint" className="field-hint">
            Notes are part of the evidence record: they cannot be edited or deleted once added. To correct
            one, add another.
          </p>
          <button type="submit" className="btn btn-primary" data-testid="note-submit" disabled={st.sending}>
            {st.sending ? 'Adding…' : st.draft.kind === 'bookmark' ? 'Add bookmark' : 'Add note'}
          </button>
        </form>
      ) : null}
      {st.status === 'error' ? (
        <p className="form-error" role="alert">
          {st.error}
        </p>
      ) : null}
      {st.status === 'ready' && st.notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
      <ol
        className="notes-list"
        aria-label="Notes and bookmarks"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and a keyboard must be able to scroll it (WCAG 2.1.1).
        tabIndex={0}
      >
        {st.notes.map((n) => (
          <li
            key={n.id}
            className={`note-item note-${n.kind}`}
            data-testid="note-item"
            data-kind={n.kind}
            data-media-time={n.mediaTime ?? undefined}
          >
            <div className="note-head">
              <span className={`tag tag-note-${n.kind}`}>{n.kind === 'bookmark' ? 'Bookmark' : 'Note'}</span>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => onSeek(n)}
                aria-label={`Go to ${n.mediaTime !== null ? formatMediaTime(n.mediaTime) : formatTime(n.at)}: ${n.text}`}
              >
                {n.mediaTime !== null ? formatMediaTime(n.mediaTime) : formatTime(n.at)}
              </button>
              <span className="muted small">
                {n.author.name}, {formatDateTime(n.createdAt)}
              </span>
            </div>
            <p className="note-text">{n.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
