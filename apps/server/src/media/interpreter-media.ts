import { CallFeed, IceCandidate, Sdp } from '@sightline/protocol';
import { z } from 'zod';

const Interpreter = z.object({ type: z.literal('interpreter'), id: z.string(), name: z.string() });
/** Who watches: the caller, an officer's console (`console:<ownerId>`), or the interpreter (`interpreter:<feed>`). */
const ViewKey = z.string().min(1).max(100);
/**
 * The interpreter's id when the interpreter asks (their socket): the media side checks they are
 * still joined, so one removed or declined on another instance cannot watch or publish on.
 */
const By = z.string().max(100).optional();

/**
 * What signalling asks of a session's interpreter media, as one message (so relaying it to the
 * instance holding the room is one RPC method): the interpreter's own camera, and the views that
 * involve them. `view.offer` names the feed to watch; each returns Janus's SDP where there is one.
 */
export const InterpreterMediaOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('publish'), interpreter: Interpreter, sdp: Sdp }),
  z.object({ op: z.literal('candidate'), candidate: IceCandidate, by: By }),
  z.object({ op: z.literal('stop'), reason: z.string().max(200) }),
  z.object({ op: z.literal('view.offer'), key: ViewKey, feed: CallFeed, by: By }),
  z.object({ op: z.literal('view.answer'), key: ViewKey, sdp: Sdp, by: By }),
  z.object({ op: z.literal('view.candidate'), key: ViewKey, candidate: IceCandidate, by: By }),
  z.object({ op: z.literal('view.stop'), key: ViewKey, by: By }),
]);
export type InterpreterMediaOp = z.infer<typeof InterpreterMediaOp>;

/** The view keys: one per watcher, so a new offer to the same watcher replaces its old view. */
export const viewKey = {
  caller: 'caller',
  console: (ownerId: string) => `console:${ownerId}`,
  interpreter: (feed: 'caller' | 'officer') => `interpreter:${feed}`,
};
