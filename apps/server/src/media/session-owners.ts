/**
 * Which instance holds each session's media room (and its Janus handles): the one the
 * caller last published through. Other instances relay media signalling to it.
 */
export interface SessionOwners {
  /** This instance now holds the session's media. */
  claim(sessionId: string): Promise<void>;
  /** The instance holding it, or null if none does (never published, ended, or its holder died). */
  ownerOf(sessionId: string): Promise<string | null>;
  start(): void;
  stop(): Promise<void>;
}
