import type { QualityLevel, ReceivedFix, SessionState, SessionSummary } from '@sightline/protocol';

/** States shown on the wall: a caller is on the link (opened it, agreed, or streaming). */
const ON_WALL: ReadonlySet<SessionState> = new Set(['opened', 'consented', 'live']);

export interface CallerQuality {
  level: QualityLevel;
  kbps: number;
}

/** One tile's worth: the session, the phone's last quality report and the newest fix. */
export interface WallTile {
  session: SessionSummary;
  quality: CallerQuality | null;
  fix: ReceivedFix | null;
}

export function isOnWall(s: SessionSummary): boolean {
  return ON_WALL.has(s.state);
}

/**
 * The wall's sessions, oldest first: a new call is added at the end, so the tiles a
 * supervisor is looking at do not move when one arrives.
 */
export function wallSessions(sessions: readonly SessionSummary[]): SessionSummary[] {
  return sessions
    .filter(isOnWall)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Columns for n tiles: 2×2 up to four, 3×3 up to nine, then 4×4 (more scroll). */
export function wallColumns(n: number): 2 | 3 | 4 {
  if (n <= 4) return 2;
  if (n <= 9) return 3;
  return 4;
}

/** The newer of two fixes (the summary's last fix, or one heard on the socket). */
export function newerFix(a: ReceivedFix | null, b: ReceivedFix | null): ReceivedFix | null {
  if (!a) return b;
  if (!b) return a;
  return b.receivedAt > a.receivedAt ? b : a;
}

/** Whether a tile should be playing video: the caller publishes video and the tile is on screen. */
export function wantsVideo(s: SessionSummary, onScreen: boolean): boolean {
  return onScreen && s.publishing && s.state === 'live' && s.mode !== 'location';
}

/** "2 live sessions" for the wall's heading line (and its polite announcement). */
export function countText(n: number): string {
  if (n === 0) return 'No live sessions';
  return n === 1 ? '1 live session' : `${n} live sessions`;
}
