/**
 * The Transport interface the node driver talks to. The TCP implementation lives in
 * tcp-transport.ts; a simulator can plug in an in-memory one with the same contract.
 */
import type { NodeId } from "../core/types";
import type { Envelope } from "./wire";

/** TransportHandler receives validated envelopes from authenticated peers. */
export interface TransportHandler {
  /** onEnvelope is called once per inbound envelope, in the order the peer sent them. */
  onEnvelope(from: NodeId, envelope: Envelope): void;
}

/** Transport moves envelopes between cluster members, best effort (Raft tolerates loss). */
export interface Transport {
  /** start begins accepting and dialing; envelopes go to `handler`. */
  start(handler: TransportHandler): Promise<void>;
  /**
   * send queues an envelope to `to` without waiting for anything (pipelined). It returns false
   * when the envelope was dropped: no connection, or the peer's outbound buffer is full.
   */
  send(to: NodeId, envelope: Envelope): boolean;
  /**
   * flush, where a transport holds what is sent until the end of the tick (to write it together),
   * writes it now: the node calls it once a Ready's acknowledgements and votes are sent, so they
   * do not wait behind the state machine's apply.
   */
  flush?(): void;
  /** drained resolves true once `to`'s outbound buffer is small again, false if the link went down. */
  drained(to: NodeId): Promise<boolean>;
  /** stop closes every connection and the listener. */
  stop(): Promise<void>;
}
