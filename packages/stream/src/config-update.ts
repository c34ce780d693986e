/**
 * config-update.ts: what a stream update may change (nats-server's configUpdateCheck), and the
 * adjustments sealing forces.
 */
import { apiError, invalidConfig } from "./errors";
import { validateStreamConfig } from "./config";
import { parseStreamConfigInput } from "./config-parse";
import { Discard, type StreamConfig } from "./config-types";

/**
 * validateStreamUpdate validates `input` as a new configuration for the stream whose current
 * configuration is `current`, then applies nats-server's update rules: the name, storage type
 * and persist mode are fixed; sealed, deny_delete, deny_purge and allow_msg_ttl can not be
 * turned off; a sealed stream gets max_age 0, discard new, deny_delete, deny_purge and no
 * rollups. `others` are the other streams (for the subject-overlap check).
 */
export function validateStreamUpdate(
  input: unknown,
  current: StreamConfig,
  others: readonly StreamConfig[],
): StreamConfig {
  const cfg = validateStreamConfig(input, others);
  if (cfg.name !== current.name) throw invalidConfig("stream configuration name must match original");
  if (cfg.storage !== current.storage) {
    throw invalidConfig("stream configuration update can not change storage type");
  }
  const workQueue = cfg.retention === "workqueue" || current.retention === "workqueue";
  if (cfg.retention !== current.retention && workQueue) {
    throw invalidConfig("stream configuration update can not change retention policy to/from workqueue");
  }
  if (!cfg.sealed && current.sealed) {
    throw invalidConfig("stream configuration update can not unseal a sealed stream");
  }
  if (!cfg.deny_delete && current.deny_delete) {
    throw invalidConfig("stream configuration update can not cancel deny message deletes");
  }
  if (!cfg.deny_purge && current.deny_purge) {
    throw invalidConfig("stream configuration update can not cancel deny purge");
  }
  if (current.allow_msg_ttl && !cfg.allow_msg_ttl) {
    throw invalidConfig("message TTL status can not be disabled");
  }
  if ((current.persist_mode ?? "default") !== (cfg.persist_mode ?? "default")) {
    throw invalidConfig("stream configuration update can not change persist mode");
  }
  if (cfg.sealed) {
    cfg.max_age = 0;
    cfg.discard = Discard.New;
    cfg.deny_delete = true;
    cfg.deny_purge = true;
    cfg.allow_rollup_hdrs = false;
  }
  return cfg;
}

/** streamConfigsEqual reports whether two validated configurations are identical. */
export function streamConfigsEqual(a: StreamConfig, b: StreamConfig): boolean {
  // Validated configurations are built in one field order, so equal configs stringify equally.
  return JSON.stringify(a) === JSON.stringify(b);
}

/** StreamCreateCheck is the outcome of validateStreamCreate. */
export interface StreamCreateCheck {
  config: StreamConfig;
  /** exists is true when an identical stream already exists (create is then idempotent). */
  exists: boolean;
}

/**
 * validateStreamCreate validates `input` for a stream create against all existing streams.
 * First the create request's own checks (path separators in the name 10128, sealed, mirror
 * direct without a mirror), then validateStreamConfig; an identical existing stream makes the
 * create idempotent, a different one with the same name is refused with 10058.
 */
export function validateStreamCreate(input: unknown, streams: readonly StreamConfig[]): StreamCreateCheck {
  const raw = parseStreamConfigInput(input);
  // nats-server's create request handler checks these before the configuration itself.
  if (typeof raw.name === "string" && /[\\/]/.test(raw.name)) {
    throw apiError("StreamNameContainsPathSeparatorsErr");
  }
  if (raw.sealed === true) throw invalidConfig("stream configuration for create can not be sealed");
  if (raw.mirror_direct === true && raw.mirror === undefined) {
    throw invalidConfig("stream has no mirror but does have mirror direct");
  }
  const config = validateStreamConfig(input, streams);
  const existing = streams.find((s) => s.name === config.name);
  if (existing === undefined) return { config, exists: false };
  if (!streamConfigsEqual(existing, config)) throw apiError("StreamNameExistErr");
  return { config: existing, exists: true };
}
