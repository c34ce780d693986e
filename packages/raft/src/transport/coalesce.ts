/**
 * Which queued messages to a peer a later one in the same flush makes redundant.
 *
 * A leader whose commit index advances sends every follower an Append without entries to carry
 * it; the proposals that commit settles are made again at once, and the Append with their entries
 * follows in the same tick, with the same or a higher commit. The follower then answered both.
 * Dropping the earlier one halves the messages of a busy round on every node. It is safe because
 * Raft tolerates lost messages; it loses nothing because the later message does all the earlier
 * one would have done.
 */
import { MessageType, type Message } from "../core/messages";

/**
 * supersededBy: `later`, sent after `earlier` to the same peer, has every effect `earlier` would
 * have had: an Append without entries is covered by a later Append of the same term at the same
 * position with at least its commit; a successful AppendResponse by a later successful one of the
 * same term acknowledging at least as much.
 */
export function supersededBy(earlier: Message, later: Message): boolean {
  if (!mayBeSuperseded(earlier) || earlier.term !== later.term) return false;
  if (earlier.type === MessageType.Append && later.type === MessageType.Append) {
    return earlier.entries.length === 0 && later.prevIndex === earlier.prevIndex && later.prevTerm === earlier.prevTerm
      && later.commit >= earlier.commit;
  }
  if (earlier.type === MessageType.AppendResponse && later.type === MessageType.AppendResponse) {
    return !earlier.reject && !later.reject && later.index >= earlier.index;
  }
  return false;
}

/** mayBeSuperseded: only an Append without entries or a successful AppendResponse ever is. */
export function mayBeSuperseded(msg: Message): boolean {
  return (msg.type === MessageType.Append && msg.entries.length === 0)
    || (msg.type === MessageType.AppendResponse && !msg.reject);
}
