/**
 * config-types.ts: the stream configuration in JetStream's own snake_case JSON shape.
 *
 * A validated `StreamConfig` is persisted and returned verbatim in stream info, so its keys
 * follow nats-server's `StreamConfig` struct order and its `omitempty` rules.
 */
import type { NanosJson } from "./units";

/** Storage is where a stream keeps its messages; both are accounted as nats-server does. */
export const Storage = { File: "file", Memory: "memory" } as const;
/** StorageType is one value of `Storage`. */
export type StorageType = (typeof Storage)[keyof typeof Storage];

/** Discard is what happens when a limit is reached: drop the oldest, or refuse the new. */
export const Discard = { Old: "old", New: "new" } as const;
/** DiscardPolicy is one value of `Discard`. */
export type DiscardPolicy = (typeof Discard)[keyof typeof Discard];

/** Retention is the retention policy; Flotilla supports `limits` only (see config.ts). */
export const Retention = { Limits: "limits", Interest: "interest", WorkQueue: "workqueue" } as const;
/** RetentionPolicy is one value of `Retention`. */
export type RetentionPolicy = (typeof Retention)[keyof typeof Retention];

/** Compression is the on-disk compression setting, kept for clients; level compresses itself. */
export const Compression = { None: "none", S2: "s2" } as const;
/** CompressionType is one value of `Compression`. */
export type CompressionType = (typeof Compression)[keyof typeof Compression];

/** PersistMode is nats-server's persist mode; `async` is accepted and stored as a hint. */
export const PersistMode = { Default: "default", Async: "async" } as const;
/** PersistModeType is one value of `PersistMode`. */
export type PersistModeType = (typeof PersistMode)[keyof typeof PersistMode];

/** Placement is the placement hint a client may send; stored, not acted on. */
export interface Placement {
  cluster?: string;
  tags?: string[];
  preferred?: string;
}

/** ConsumerLimits are stream-level consumer defaults; stored for clients. */
export interface ConsumerLimits {
  inactive_threshold?: NanosJson;
  max_ack_pending?: number;
}

/**
 * StreamConfig is a validated stream configuration with every default filled in.
 *
 * Invariant: produced only by validateStreamConfig / validateStreamUpdate; limits are -1 for
 * "unlimited", never 0; `subjects` is non-empty; `duplicate_window` > 0.
 */
export interface StreamConfig {
  name: string;
  description?: string;
  subjects: string[];
  retention: RetentionPolicy;
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  /** max_age in nanoseconds; 0 means no age limit. */
  max_age: NanosJson;
  max_msgs_per_subject: number;
  max_msg_size: number;
  discard: DiscardPolicy;
  storage: StorageType;
  num_replicas: number;
  no_ack?: boolean;
  /** duplicate_window in nanoseconds. */
  duplicate_window: NanosJson;
  placement?: Placement;
  compression: CompressionType;
  first_seq?: number;
  allow_direct: boolean;
  mirror_direct: boolean;
  discard_new_per_subject?: boolean;
  sealed: boolean;
  deny_delete: boolean;
  deny_purge: boolean;
  allow_rollup_hdrs: boolean;
  consumer_limits: ConsumerLimits;
  allow_msg_ttl: boolean;
  allow_atomic?: boolean;
  persist_mode?: PersistModeType;
  metadata?: Record<string, string>;
}
