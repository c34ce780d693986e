/**
 * config.ts: stream configuration validation with nats-server's defaults, checks, order and
 * error texts (`checkStreamCfg` and `configUpdateCheck` of nats-server 2.14), plus Flotilla's
 * refusals of features it does not implement yet.
 *
 * Unsupported features are refused with 10052 JSStreamInvalidConfigF and the description
 * `stream configuration field <field> is not supported`, after every nats-server check has
 * passed, so any configuration nats-server would refuse gets nats-server's own error first.
 */
import { apiError, invalidConfig, type JetStreamApiError } from "./errors";
import { parseStreamConfigInput, type RawStreamConfig } from "./config-parse";
import {
  Compression,
  Discard,
  PersistMode,
  Retention,
  Storage,
  type StreamConfig,
} from "./config-types";
import {
  DUPLICATE_WINDOW_DEFAULT_NS,
  DURATION_MIN_NS,
  STREAM_DESCRIPTION_BYTES_MAX,
  STREAM_METADATA_BYTES_MAX,
  STREAM_NAME_BYTES_MAX,
  STREAM_REPLICAS_MAX,
  SUBJECT_DELETE_MARKER_TTL_MIN_NS,
} from "./limits";
import { checkMirrorAndSources, checkSubjects, isValidAssetName } from "./config-subjects";
import { subjectsOverlap } from "./subjects";

export * from "./config-types";

/** UNSUPPORTED_FIELDS lists the fields Flotilla refuses when set (true / non-empty). */
export const UNSUPPORTED_FIELDS = [
  "allow_msg_counter",
  "allow_msg_schedules",
  "allow_batched",
  "mirror",
  "sources",
  "subject_transform",
  "republish",
  "subject_delete_marker_ttl",
] as const;

/** unsupportedField builds the 10052 error naming a field Flotilla does not implement. */
export function unsupportedField(field: string): JetStreamApiError {
  return invalidConfig(`stream configuration field ${field} is not supported`);
}

const utf8 = new TextEncoder();

function byteLength(text: string): number {
  return utf8.encode(text).length;
}

function num(raw: RawStreamConfig, field: string): number {
  const value = raw[field];
  return typeof value === "number" ? value : 0;
}

function bool(raw: RawStreamConfig, field: string): boolean {
  return raw[field] === true;
}

function str(raw: RawStreamConfig, field: string): string {
  const value = raw[field];
  return typeof value === "string" ? value : "";
}

function checkNameAndText(raw: RawStreamConfig): void {
  const name = str(raw, "name");
  if (!isValidAssetName(name)) {
    throw invalidConfig("stream name is required and can not contain '.', '*', '>', '\\', '/'");
  }
  if (byteLength(name) > STREAM_NAME_BYTES_MAX) {
    throw invalidConfig(`stream name is too long, maximum allowed is ${STREAM_NAME_BYTES_MAX}`);
  }
  if (byteLength(str(raw, "description")) > STREAM_DESCRIPTION_BYTES_MAX) {
    throw invalidConfig(
      `stream description is too long, maximum allowed is ${STREAM_DESCRIPTION_BYTES_MAX}`,
    );
  }
  const metadata = (raw.metadata ?? {}) as Record<string, string>;
  let metadataBytes = 0;
  for (const [key, value] of Object.entries(metadata)) metadataBytes += byteLength(key) + byteLength(value);
  if (metadataBytes > STREAM_METADATA_BYTES_MAX) {
    throw invalidConfig(`stream metadata exceeds maximum size of ${STREAM_METADATA_BYTES_MAX} bytes`);
  }
}

/** Limits normalizes 0 and values below -1 to -1 ("unlimited"), as nats-server does. */
function unlimitedIfUnset(value: number): number {
  return value === 0 || value < -1 ? -1 : value;
}

function checkReplicasAndLimits(raw: RawStreamConfig, cfg: StreamConfig): void {
  let replicas = num(raw, "num_replicas");
  if (replicas === 0) replicas = 1;
  if (replicas > STREAM_REPLICAS_MAX) throw invalidConfig(`maximum replicas is ${STREAM_REPLICAS_MAX}`);
  if (replicas < 0) throw apiError("ReplicasCountCannotBeNegative");
  cfg.num_replicas = replicas;
  cfg.max_msgs = unlimitedIfUnset(num(raw, "max_msgs"));
  cfg.max_msgs_per_subject = unlimitedIfUnset(num(raw, "max_msgs_per_subject"));
  cfg.max_bytes = unlimitedIfUnset(num(raw, "max_bytes"));
  cfg.max_msg_size = unlimitedIfUnset(num(raw, "max_msg_size"));
  cfg.max_consumers = unlimitedIfUnset(num(raw, "max_consumers"));
  const maxAgeNs = num(raw, "max_age");
  if (maxAgeNs < 0) throw invalidConfig("max age can not be negative");
  if (maxAgeNs !== 0 && maxAgeNs < DURATION_MIN_NS) throw invalidConfig("max age needs to be >= 100ms");
  cfg.max_age = maxAgeNs;
}

function checkDuplicateWindow(raw: RawStreamConfig, cfg: StreamConfig): void {
  let windowNs = num(raw, "duplicate_window");
  const hasOrigin = raw.mirror !== undefined || (Array.isArray(raw.sources) && raw.sources.length > 0);
  if (windowNs === 0 && !hasOrigin) {
    const maxAgeNs = cfg.max_age;
    const ageIsShorter = maxAgeNs !== 0 && maxAgeNs < DUPLICATE_WINDOW_DEFAULT_NS;
    windowNs = ageIsShorter ? maxAgeNs : DUPLICATE_WINDOW_DEFAULT_NS;
  }
  if (windowNs < 0) throw invalidConfig("duplicates window can not be negative");
  if (cfg.max_age !== 0 && windowNs > cfg.max_age) {
    throw invalidConfig("duplicates window can not be larger then max age");
  }
  if (windowNs > 0 && windowNs < DURATION_MIN_NS) {
    throw invalidConfig("duplicates window needs to be >= 100ms");
  }
  cfg.duplicate_window = windowNs;
}

function checkFeatureCombinations(raw: RawStreamConfig, cfg: StreamConfig): void {
  if (cfg.deny_purge && cfg.allow_rollup_hdrs) throw invalidConfig("roll-ups require the purge permission");
  if (bool(raw, "allow_msg_counter")) {
    if (cfg.discard === Discard.New) throw invalidConfig("counter stream cannot use discard new");
    if (cfg.allow_msg_ttl) throw invalidConfig("counter stream cannot use message TTLs");
    if (bool(raw, "allow_msg_schedules")) throw invalidConfig("counter stream cannot use message schedules");
    if (cfg.retention !== Retention.Limits) {
      throw invalidConfig("counter stream can only use limits retention");
    }
  }
  if (cfg.discard_new_per_subject === true) {
    if (cfg.discard !== Discard.New) {
      throw invalidConfig("discard new per subject requires discard new policy to be set");
    }
    if (cfg.max_msgs_per_subject <= 0) {
      throw invalidConfig("discard new per subject requires max msgs per subject > 0");
    }
  }
  const markerTtlNs = num(raw, "subject_delete_marker_ttl");
  if (markerTtlNs > 0) {
    if (markerTtlNs < SUBJECT_DELETE_MARKER_TTL_MIN_NS) {
      throw invalidConfig("subject delete marker TTL must be at least 1 second");
    }
    cfg.allow_msg_ttl = true;
    if (!cfg.allow_rollup_hdrs) [cfg.allow_rollup_hdrs, cfg.deny_purge] = [true, false];
  } else if (markerTtlNs < 0) {
    throw invalidConfig("subject delete marker TTL must not be negative");
  }
  if (bool(raw, "allow_msg_schedules")) {
    if (cfg.discard === Discard.New) throw invalidConfig("message scheduling cannot use discard new");
    if (!cfg.allow_rollup_hdrs) [cfg.allow_rollup_hdrs, cfg.deny_purge] = [true, false];
  }
  if (cfg.persist_mode === PersistMode.Async) {
    if (cfg.storage !== Storage.File) {
      throw invalidConfig("async persist mode is only supported on file storage");
    }
    if (cfg.num_replicas > 1) {
      throw invalidConfig("async persist mode is not supported on replicated streams");
    }
    if (cfg.allow_atomic === true) {
      throw invalidConfig("async persist mode is not supported with atomic batch publish");
    }
  }
}

/** baseConfig copies the plain fields in nats-server's struct order, with their defaults. */
function baseConfig(raw: RawStreamConfig): StreamConfig {
  const cfg: StreamConfig = {
    name: str(raw, "name"),
    ...(str(raw, "description") !== "" ? { description: str(raw, "description") } : {}),
    subjects: [...((raw.subjects as string[] | undefined) ?? [])],
    retention: (raw.retention as StreamConfig["retention"] | undefined) ?? Retention.Limits,
    max_consumers: -1,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    discard: (raw.discard as StreamConfig["discard"] | undefined) ?? Discard.Old,
    storage: (raw.storage as StreamConfig["storage"] | undefined) ?? Storage.File,
    num_replicas: 1,
    ...(bool(raw, "no_ack") ? { no_ack: true } : {}),
    duplicate_window: 0,
    ...(raw.placement !== undefined ? { placement: { ...(raw.placement as object) } } : {}),
    compression: (raw.compression as StreamConfig["compression"] | undefined) ?? Compression.None,
    ...(num(raw, "first_seq") > 0 ? { first_seq: num(raw, "first_seq") } : {}),
    allow_direct: bool(raw, "allow_direct"),
    mirror_direct: bool(raw, "mirror_direct"),
    ...(bool(raw, "discard_new_per_subject") ? { discard_new_per_subject: true } : {}),
    sealed: bool(raw, "sealed"),
    deny_delete: bool(raw, "deny_delete"),
    deny_purge: bool(raw, "deny_purge"),
    allow_rollup_hdrs: bool(raw, "allow_rollup_hdrs"),
    consumer_limits: { ...((raw.consumer_limits as object | undefined) ?? {}) },
    allow_msg_ttl: bool(raw, "allow_msg_ttl"),
    ...(bool(raw, "allow_atomic") ? { allow_atomic: true } : {}),
    ...(raw.persist_mode === PersistMode.Async ? { persist_mode: PersistMode.Async } : {}),
    ...(raw.metadata !== undefined && Object.keys(raw.metadata as object).length > 0
      ? { metadata: { ...(raw.metadata as Record<string, string>) } }
      : {}),
  };
  return cfg;
}

function checkUnsupported(raw: RawStreamConfig, cfg: StreamConfig): void {
  if (cfg.retention !== Retention.Limits) throw unsupportedField("retention");
  for (const field of UNSUPPORTED_FIELDS) {
    const value = raw[field];
    const set = value === true || (typeof value === "number" && value !== 0) ||
      (Array.isArray(value) ? value.length > 0 : typeof value === "object" && value !== undefined);
    if (set) throw unsupportedField(field);
  }
}

/**
 * validateStreamConfig type-checks and validates a client's stream configuration, fills the
 * defaults (duplicate_window 2 min in ns, max_* -1, discard old, storage file, num_replicas 1,
 * subjects [name]) and checks its subjects against `others` (the other streams' configs).
 * Throws JetStreamApiError with nats-server's err_code and description.
 */
export function validateStreamConfig(input: unknown, others: readonly StreamConfig[]): StreamConfig {
  const raw = parseStreamConfigInput(input);
  checkNameAndText(raw);
  const cfg = baseConfig(raw);
  checkReplicasAndLimits(raw, cfg);
  checkDuplicateWindow(raw, cfg);
  checkFeatureCombinations(raw, cfg);
  checkMirrorAndSources(raw);
  checkSubjects(raw, cfg);
  const placement = cfg.placement;
  if (placement !== undefined && Object.keys(placement).length === 0) delete cfg.placement;
  if (placement?.preferred !== undefined && placement.preferred !== "") {
    throw invalidConfig("preferred server not permitted in placement");
  }
  checkUnsupported(raw, cfg);
  if (overlapsOtherStream(cfg, others)) throw apiError("StreamSubjectOverlapErr");
  return cfg;
}

/**
 * overlapsOtherStream reports whether a subject of `cfg` overlaps a subject of another stream in
 * `others` (a stream with cfg's own name is the one being updated and is skipped).
 */
export function overlapsOtherStream(cfg: StreamConfig, others: Iterable<StreamConfig>): boolean {
  for (const other of others) {
    if (other.name === cfg.name) continue;
    const theirs = other.subjects;
    if (cfg.subjects.some((mine) => theirs.some((subject) => subjectsOverlap(mine, subject)))) return true;
  }
  return false;
}
