import type { ChatMessage } from '@sightline/protocol';

/**
 * Where a message has got to. Officer messages: `sending` until the server has
 * stored it, then sent → delivered (the caller's phone has it) → read (the
 * caller has seen it). Caller messages use the same words for what the police
 * side has done with them. `failed` is ours only: the server refused it.
 */
export type ChatStatus = 'sending' | 'failed' | 'sent' | 'delivered' | 'read';

/** One line of the conversation as the panel shows it. */
export interface ChatEntry {
  /** The server's id; null while our own message is not stored yet. */
  id: string | null;
  /** The server's order; null while pending (pending messages sort last). */
  seq: number | null;
  from: 'caller' | 'officer';
  officerName: string | null;
  text: string;
  clientId: string;
  /** When the server received it, or for a pending message when we wrote it (ms). */
  at: number;
  status: ChatStatus;
  /** Why the server refused it (failed messages only). */
  error: string | null;
  /** Written on this console. */
  mine: boolean;
}

const RANK: Record<ChatStatus, number> = { sending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/** The further of two states: receipts can arrive out of order, and a state never goes back. */
export function furthest(a: ChatStatus, b: ChatStatus): ChatStatus {
  return RANK[b] > RANK[a] ? b : a;
}

/** A stored message's state from its receipt times. */
export function storedStatus(m: Pick<ChatMessage, 'deliveredAt' | 'readAt'>): ChatStatus {
  if (m.readAt !== null) return 'read';
  if (m.deliveredAt !== null) return 'delivered';
  return 'sent';
}

/** A stored message as an entry. */
export function toEntry(m: ChatMessage, mine: boolean): ChatEntry {
  return {
    id: m.id,
    seq: m.seq,
    from: m.from,
    officerName: m.officerName,
    text: m.text,
    clientId: m.clientId,
    at: m.receivedAt,
    status: storedStatus(m),
    error: null,
    mine,
  };
}

function order(a: ChatEntry, b: ChatEntry): number {
  if (a.seq === null || b.seq === null) {
    if (a.seq !== null) return -1;
    if (b.seq !== null) return 1;
    return a.at - b.at;
  }
  return a.seq - b.seq;
}

/**
 * Adds or updates a stored message. The same message arrives from the history
 * load and live (and again after a reconnect): it is matched by id, and our own
 * pending message by its clientId, so nothing shows twice.
 */
export function mergeMessage(list: readonly ChatEntry[], m: ChatMessage, mine: boolean): ChatEntry[] {
  const i = list.findIndex(
    (e) => e.id === m.id || (e.id === null && m.from === 'officer' && e.clientId === m.clientId),
  );
  const incoming = toEntry(m, mine);
  if (i < 0) return [...list, incoming].sort(order);
  const cur = list[i] as ChatEntry;
  const merged: ChatEntry = {
    ...incoming,
    mine: cur.mine || mine,
    status: furthest(cur.status === 'failed' ? 'sending' : cur.status, incoming.status),
  };
  const next = [...list];
  next[i] = merged;
  return cur.seq === merged.seq ? next : next.sort(order);
}

/** Applies a `chat.status`; a status for our pending message also gives it its server id. */
export function applyStatus(
  list: readonly ChatEntry[],
  s: { id: string; clientId: string; state: 'sent' | 'delivered' | 'read' },
): ChatEntry[] {
  const i = list.findIndex((e) => e.id === s.id || (e.id === null && e.mine && e.clientId === s.clientId));
  if (i < 0) return list as ChatEntry[];
  const cur = list[i] as ChatEntry;
  const status = furthest(cur.status === 'failed' ? 'sending' : cur.status, s.state);
  if (status === cur.status && cur.id === s.id) return list as ChatEntry[];
  const next = [...list];
  next[i] = { ...cur, id: s.id, status, error: null };
  return next;
}

/** Marks entries (by id) as at least `state`, for receipts we sent ourselves. */
export function markStatus(
  list: readonly ChatEntry[],
  ids: ReadonlySet<string>,
  state: ChatStatus,
): ChatEntry[] {
  let changed = false;
  const next = list.map((e) => {
    if (e.id === null || !ids.has(e.id)) return e;
    const status = furthest(e.status, state);
    if (status === e.status) return e;
    changed = true;
    return { ...e, status };
  });
  return changed ? next : (list as ChatEntry[]);
}

/** Caller messages nobody on the police side has read yet. */
export function unreadCount(list: readonly ChatEntry[]): number {
  return list.filter((e) => e.from === 'caller' && e.status !== 'read').length;
}

/** Ids in batches the server accepts (a receipt names at most 200). */
export function batches(ids: readonly string[], size = 200): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** What the status reads as, in words (never colour or ticks alone). */
export const STATUS_TEXT: Record<ChatStatus, string> = {
  sending: 'Sending…',
  failed: 'Not sent',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};

export const MAX_CHAT_CHARS = 2000;
