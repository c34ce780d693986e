/** Node driver of the Raft package: RaftNode and its state machine contract. */
export { RaftNode, type LeaderChange, type NodeStatus, type PeerStatus } from "./raft-node";
export type { RaftNodeOptions, RaftTuning } from "./options";
export type { StateMachine } from "./state-machine";
export type { ProposalOutcome } from "./proposals";
export { LeadershipLostError, NodeStoppedError, ProposalDroppedError } from "./errors";
export * from "./limits";
