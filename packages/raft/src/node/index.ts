/** Node driver of the Raft package: RaftNode and its state machine contract. */
export { RaftNode } from "./raft-node";
export type { LeaderChange, NodeStatus, PeerStatus } from "./status";
export type { RaftNodeOptions, RaftTuning } from "./options";
export type { StateMachine } from "./state-machine";
export type { ProposalOutcome } from "./proposals";
export { LeadershipLostError, NodeStoppedError, ProposalDroppedError } from "./errors";
export * from "./limits";
