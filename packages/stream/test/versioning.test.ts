import { describe, expect, it } from "vitest";
import { requiredApiLevel, validateStreamConfig, withDynamicMetadata, withStaticMetadata } from "../src/index";

describe("API-level metadata", () => {
  it.each([
    [{}, 0],
    [{ allow_msg_ttl: true }, 1],
    [{ allow_atomic: true }, 2],
    [{ allow_atomic: true, allow_msg_ttl: true }, 2],
    [{ persist_mode: "async" }, 2],
  ])("%j requires level %i", (extra, level) => {
    expect(requiredApiLevel(validateStreamConfig({ name: "S", ...extra }, []))).toBe(level);
  });

  it("stores only the required level and strips dynamic keys a client sent back", () => {
    const cfg = validateStreamConfig({ name: "S", allow_atomic: true, metadata: { owner: "x", "_nats.ver": "2.12.0", "_nats.level": "2" } }, []);
    expect(withStaticMetadata(cfg).metadata).toEqual({ owner: "x", "_nats.req.level": "2" });
    expect(cfg.metadata).toEqual({ owner: "x", "_nats.ver": "2.12.0", "_nats.level": "2" });
  });

  it("adds the server version and level for responses", () => {
    const stored = withStaticMetadata(validateStreamConfig({ name: "S" }, []));
    expect(withDynamicMetadata(stored, "0.1.0", 5).metadata).toEqual({ "_nats.req.level": "0", "_nats.ver": "0.1.0", "_nats.level": "5" });
  });
});
