/**
 * Durable before sent (design.md §2): a node may only send what its disk already guarantees.
 * A vote granted (or requested for itself) in term T needs a disk that can never vote otherwise
 * in T: term T with that vote, or a term above T. An append acknowledgement in term T needs the
 * acknowledged entries on disk — unless the disk already holds a later term: a leader of that
 * later term may have truncated them legitimately, and the ack is then no different from one
 * sent just before the truncation and delayed by the network (the vote that elected the later
 * leader rules out a commit that counted it). Checked against the *durable* image at the moment of
 * sending, so a core that hands out a message before the state it depends on is caught at
 * once, instead of only when an unlucky crash turns it into a double vote or a lost commit.
 */
import { Property, type Violation } from "./violation";

/** DurableState is what survives a crash of the sending node right now. */
export interface DurableState {
  readonly term: number;
  readonly vote: string | null;
  readonly lastIndex: number;
}

/** Promise is what an outgoing message promises about the sender's disk. */
export type Promise =
  | { readonly kind: "voteGranted"; readonly term: number; readonly candidate: string }
  | { readonly kind: "voteRequested"; readonly term: number }
  | { readonly kind: "appendAcknowledged"; readonly term: number; readonly index: number };

/** DurabilityChecker compares each outgoing promise with the sender's durable state. */
export class DurabilityChecker {
  /** observeSend checks one message `node` is about to send. */
  observeSend(node: string, promise: Promise, durable: DurableState): Violation | null {
    const violation = (message: string): Violation => ({ property: Property.DurableBeforeSent, message: `${node} ${message}` });
    switch (promise.kind) {
      case "voteGranted":
        if (durable.term > promise.term || (durable.term === promise.term && durable.vote === promise.candidate)) return null;
        return violation(
          `granted its term ${promise.term} vote to ${promise.candidate} with term ${durable.term} / vote ${durable.vote} on disk`,
        );
      case "voteRequested":
        if (durable.term > promise.term || (durable.term === promise.term && durable.vote === node)) return null;
        return violation(`requested votes for term ${promise.term} with term ${durable.term} / vote ${durable.vote} on disk`);
      case "appendAcknowledged":
        if (durable.term > promise.term || durable.lastIndex >= promise.index) return null;
        return violation(`acknowledged index ${promise.index} with only ${durable.lastIndex} on disk`);
    }
  }
}
