import type { Random } from '../adapters/random.js';

let written = 0;
const SEQ_SPAN = 36 ** 6;

/**
 * A timeline event's id. Timelines are read in `(at, id)` order, and several events can share a
 * millisecond (a tap on Start writes consent, three permission states and the first fix): this
 * id sorts those in the order this process wrote them. The random tail keeps it unique across
 * instances, whose events within one millisecond keep no order between them.
 */
export function eventId(random: Random): string {
  written = (written + 1) % SEQ_SPAN;
  return `${written.toString(36).padStart(6, '0')}-${random.id()}`;
}
