/** Transport layer of the Raft node: framing, handshake and the TCP implementation. */
export type { Transport, TransportHandler } from "./transport";
export { TcpTransport, type TcpTransportOptions } from "./tcp-transport";
export { MemoryNetwork } from "./memory-transport";
export type { PeerAddress } from "./outbound-peer";
export { FrameKind, type Envelope, type RaftFrame, type SnapshotChunkFrame } from "./wire";
export { FRAME_BYTES_MAX_DEFAULT } from "./limits";
