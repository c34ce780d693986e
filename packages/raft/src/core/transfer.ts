/**
 * Leadership transfer: the leader catches the target up, then sends TimeoutNow so the target
 * campaigns at once (bypassing pre-vote and the leader lease). Proposals are refused meanwhile,
 * and the transfer is abandoned after one election timeout.
 */
import { NotLeaderError, InvalidTransferTargetError } from "./errors";
import { TraceEventKind, TransferAbortReason } from "./events";
import { MessageType } from "./messages";
import { sendAppend } from "./replication";
import { abortTransfer } from "./roles";
import { Role, type RaftState } from "./state";
import type { NodeId } from "./types";

/** transferLeadership starts handing leadership to `target`. */
export function transferLeadership(s: RaftState, target: NodeId): void {
  if (s.role !== Role.Leader) throw new NotLeaderError(s.leader);
  if (!s.peers.includes(target)) throw new InvalidTransferTargetError(target);
  if (target === s.id) {
    // Already the leader: the request is satisfied; an ongoing transfer elsewhere stops.
    abortTransfer(s, TransferAbortReason.Superseded);
    return;
  }
  if (s.transferTarget === target) return;
  abortTransfer(s, TransferAbortReason.Superseded);
  s.transferTarget = target;
  // The transfer must finish within one election timeout, measured from now.
  s.electionElapsedTicks = 0;
  s.emit({ kind: TraceEventKind.TransferStarted, target });
  // An append (empty if need be) makes a lagging target reveal where its log diverges.
  if (!maybeSendTimeoutNow(s, target)) sendAppend(s, target, true);
}

/** maybeSendTimeoutNow tells the transfer target to campaign once its log matches ours. */
export function maybeSendTimeoutNow(s: RaftState, peer: NodeId): boolean {
  if (s.transferTarget !== peer) return false;
  if (s.progressOf(peer).match !== s.log.lastIndex()) return false;
  s.send({ type: MessageType.TimeoutNow, from: s.id, to: peer, term: s.term });
  return true;
}
