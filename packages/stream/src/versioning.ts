/**
 * versioning.ts: the API-level metadata nats-server (2.11+) keeps on stream configurations.
 *
 * `_nats.req.level` (stored) is the lowest JetStream API level a server needs to honour the
 * configuration; `_nats.ver` and `_nats.level` (dynamic) describe the answering server and are
 * added to responses only, never stored. The server package decides when to apply these (on
 * create and update requests, before proposing); validation does not add them.
 */
import type { StreamConfig } from "./config-types";

/** REQUIRED_LEVEL_KEY: stored metadata key of the required API level. */
export const REQUIRED_LEVEL_KEY = "_nats.req.level";
/** SERVER_VERSION_KEY: dynamic metadata key of the server version. */
export const SERVER_VERSION_KEY = "_nats.ver";
/** SERVER_LEVEL_KEY: dynamic metadata key of the server's API level. */
export const SERVER_LEVEL_KEY = "_nats.level";

/**
 * requiredApiLevel returns the API level a configuration needs: per-message TTLs 1 (2.11);
 * atomic batches, counters, schedules and async persist 2 (2.12); fast batches 4 (2.14).
 */
export function requiredApiLevel(cfg: StreamConfig): number {
  const raw = cfg as StreamConfig & Record<string, unknown>;
  let level = 0;
  if (cfg.allow_msg_ttl) level = Math.max(level, 1);
  const levelTwo = cfg.allow_atomic === true || raw.allow_msg_counter === true ||
    raw.allow_msg_schedules === true || cfg.persist_mode === "async";
  if (levelTwo) level = Math.max(level, 2);
  if (raw.allow_batched === true) level = Math.max(level, 4);
  return level;
}

/**
 * withStaticMetadata returns a copy of `cfg` whose metadata holds `_nats.req.level` and none
 * of the dynamic keys (a client may send them back from an earlier response).
 */
export function withStaticMetadata(cfg: StreamConfig): StreamConfig {
  const metadata: Record<string, string> = { ...(cfg.metadata ?? {}) };
  delete metadata[SERVER_VERSION_KEY];
  delete metadata[SERVER_LEVEL_KEY];
  metadata[REQUIRED_LEVEL_KEY] = String(requiredApiLevel(cfg));
  return { ...cfg, metadata };
}

/** withDynamicMetadata returns a copy for a response, adding the server version and level. */
export function withDynamicMetadata(cfg: StreamConfig, serverVersion: string, apiLevel: number): StreamConfig {
  return {
    ...cfg,
    metadata: { ...(cfg.metadata ?? {}), [SERVER_VERSION_KEY]: serverVersion, [SERVER_LEVEL_KEY]: String(apiLevel) },
  };
}
