import { describe, expect, it } from "vitest";
import {
  JetStreamApiError,
  validateStreamConfig,
  validateStreamCreate,
  validateStreamUpdate,
  type StreamConfig,
} from "../src/index";

function refusal(input: unknown, others: StreamConfig[] = []): { code: number; err_code: number; description: string } {
  try {
    validateStreamConfig(input, others);
  } catch (err) {
    expect(err).toBeInstanceOf(JetStreamApiError);
    return (err as JetStreamApiError).toWire();
  }
  throw new Error("expected the configuration to be refused");
}

const invalid = (description: string) => ({ code: 500, err_code: 10052, description });
const MS = 1_000_000;
const SECOND = 1000 * MS;

describe("stream config defaults", () => {
  it("fills nats-server's defaults, in nats-server's field order", () => {
    const cfg = validateStreamConfig({ name: "ORDERS" }, []);
    expect(JSON.stringify(cfg)).toBe(
      JSON.stringify({
        name: "ORDERS",
        subjects: ["ORDERS"],
        retention: "limits",
        max_consumers: -1,
        max_msgs: -1,
        max_bytes: -1,
        max_age: 0,
        max_msgs_per_subject: -1,
        max_msg_size: -1,
        discard: "old",
        storage: "file",
        num_replicas: 1,
        duplicate_window: 120 * SECOND,
        compression: "none",
        allow_direct: false,
        mirror_direct: false,
        sealed: false,
        deny_delete: false,
        deny_purge: false,
        allow_rollup_hdrs: false,
        consumer_limits: {},
        allow_msg_ttl: false,
      }),
    );
  });

  it("keeps every supported field a client sets", () => {
    const input = {
      name: "KV", description: "d", subjects: ["kv.>"], retention: "limits", max_consumers: 5,
      max_msgs: 100, max_bytes: 4096, max_age: 60 * SECOND, max_msgs_per_subject: 1, max_msg_size: 512,
      discard: "new", storage: "memory", num_replicas: 3, no_ack: false, duplicate_window: 30 * SECOND,
      placement: { cluster: "c1", tags: ["a"] }, compression: "s2", first_seq: 10, allow_direct: true,
      mirror_direct: false, discard_new_per_subject: true, sealed: false, deny_delete: true, deny_purge: false,
      allow_rollup_hdrs: true, consumer_limits: { max_ack_pending: 10 }, allow_msg_ttl: true,
      allow_msg_counter: false, allow_atomic: true, allow_msg_schedules: false, allow_batched: false,
      metadata: { owner: "team" }, some_future_field: 1,
    };
    const cfg = validateStreamConfig(input, []);
    expect(cfg).toEqual({
      name: "KV", description: "d", subjects: ["kv.>"], retention: "limits", max_consumers: 5,
      max_msgs: 100, max_bytes: 4096, max_age: 60 * SECOND, max_msgs_per_subject: 1, max_msg_size: 512,
      discard: "new", storage: "memory", num_replicas: 3, duplicate_window: 30 * SECOND,
      placement: { cluster: "c1", tags: ["a"] }, compression: "s2", first_seq: 10, allow_direct: true,
      mirror_direct: false, discard_new_per_subject: true, sealed: false, deny_delete: true, deny_purge: false,
      allow_rollup_hdrs: true, consumer_limits: { max_ack_pending: 10 }, allow_msg_ttl: true,
      allow_atomic: true, metadata: { owner: "team" },
    });
  });

  it("uses max_age as the duplicate window when it is shorter than 2 minutes", () => {
    expect(validateStreamConfig({ name: "S", max_age: 30 * SECOND }, []).duplicate_window).toBe(30 * SECOND);
    expect(validateStreamConfig({ name: "S", max_age: 300 * SECOND }, []).duplicate_window).toBe(120 * SECOND);
  });

  it("normalizes 0 and values below -1 to unlimited", () => {
    const cfg = validateStreamConfig({ name: "S", max_msgs: 0, max_bytes: -5, max_msgs_per_subject: -1, max_msg_size: 0 }, []);
    expect([cfg.max_msgs, cfg.max_bytes, cfg.max_msgs_per_subject, cfg.max_msg_size]).toEqual([-1, -1, -1, -1]);
  });

  it("treats JSON null as unset", () => {
    expect(validateStreamConfig({ name: "S", subjects: null, max_msgs: null }, []).subjects).toEqual(["S"]);
  });
});

describe("stream config refusals (nats-server err_code and text)", () => {
  it.each([
    ["not an object", "nope", invalid("stream configuration invalid")],
    ["array", [], invalid("stream configuration invalid")],
    ["missing name", {}, invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'")],
    ["dotted name", { name: "a.b" }, invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'")],
    ["name with space", { name: "a b" }, invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'")],
    ["name with slash", { name: "a/b" }, invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'")],
    ["long name", { name: "n".repeat(256) }, invalid("stream name is too long, maximum allowed is 255")],
    ["long description", { name: "S", description: "d".repeat(4097) }, invalid("stream description is too long, maximum allowed is 4096")],
    ["big metadata", { name: "S", metadata: { k: "v".repeat(128 * 1024) } }, invalid("stream metadata exceeds maximum size of 131072 bytes")],
    ["too many replicas", { name: "S", num_replicas: 6 }, invalid("maximum replicas is 5")],
    ["negative replicas", { name: "S", num_replicas: -1 }, { code: 400, err_code: 10133, description: "replicas count cannot be negative" }],
    ["negative max_age", { name: "S", max_age: -1 }, invalid("max age can not be negative")],
    ["tiny max_age", { name: "S", max_age: 50 * MS }, invalid("max age needs to be >= 100ms")],
    ["negative window", { name: "S", duplicate_window: -1 }, invalid("duplicates window can not be negative")],
    ["window above max_age", { name: "S", max_age: SECOND, duplicate_window: 2 * SECOND }, invalid("duplicates window can not be larger then max age")],
    ["tiny window", { name: "S", duplicate_window: 50 * MS }, invalid("duplicates window needs to be >= 100ms")],
    ["rollup without purge", { name: "S", allow_rollup_hdrs: true, deny_purge: true }, invalid("roll-ups require the purge permission")],
    ["counter + discard new", { name: "S", allow_msg_counter: true, discard: "new" }, invalid("counter stream cannot use discard new")],
    ["counter + ttl", { name: "S", allow_msg_counter: true, allow_msg_ttl: true }, invalid("counter stream cannot use message TTLs")],
    ["discard new per subject, discard old", { name: "S", discard_new_per_subject: true, max_msgs_per_subject: 1 }, invalid("discard new per subject requires discard new policy to be set")],
    ["discard new per subject, no limit", { name: "S", discard: "new", discard_new_per_subject: true }, invalid("discard new per subject requires max msgs per subject > 0")],
    ["short marker ttl", { name: "S", subject_delete_marker_ttl: 500 * MS }, invalid("subject delete marker TTL must be at least 1 second")],
    ["negative marker ttl", { name: "S", subject_delete_marker_ttl: -1 }, invalid("subject delete marker TTL must not be negative")],
    ["schedules + discard new", { name: "S", allow_msg_schedules: true, discard: "new" }, invalid("message scheduling cannot use discard new")],
    ["async + memory", { name: "S", persist_mode: "async", storage: "memory" }, invalid("async persist mode is only supported on file storage")],
    ["async + replicas", { name: "S", persist_mode: "async", num_replicas: 3 }, invalid("async persist mode is not supported on replicated streams")],
    ["async + atomic", { name: "S", persist_mode: "async", allow_atomic: true }, invalid("async persist mode is not supported with atomic batch publish")],
    ["mirror + first_seq", { name: "S", mirror: { name: "O" }, first_seq: 5 }, { code: 400, err_code: 10143, description: "stream mirrors can not have first sequence configured" }],
    ["mirror + subjects", { name: "S", mirror: { name: "O" }, subjects: ["a"] }, { code: 400, err_code: 10034, description: "stream mirrors can not contain subjects" }],
    ["mirror + sources", { name: "S", mirror: { name: "O" }, sources: [{ name: "P" }] }, { code: 400, err_code: 10031, description: "stream mirrors can not also contain other sources" }],
    ["mirror + atomic", { name: "S", mirror: { name: "O" }, allow_atomic: true }, { code: 400, err_code: 10198, description: "stream mirrors can not also use atomic publishing" }],
    ["mirror + batched", { name: "S", mirror: { name: "O" }, allow_batched: true }, { code: 400, err_code: 10209, description: "stream mirrors can not also use batch publishing" }],
    ["mirror + schedules", { name: "S", mirror: { name: "O" }, allow_msg_schedules: true }, { code: 400, err_code: 10186, description: "stream mirrors can not also schedule messages" }],
    ["mirror bad name", { name: "S", mirror: { name: "a.b" } }, { code: 400, err_code: 10142, description: "mirrored stream name is invalid" }],
    ["source bad name", { name: "S", sources: [{ name: "" }] }, { code: 400, err_code: 10141, description: "sourced stream name is invalid" }],
    ["duplicate source", { name: "S", sources: [{ name: "A" }, { name: "A" }] }, { code: 400, err_code: 10140, description: "duplicate source configuration detected" }],
    ["sources + schedules", { name: "S", sources: [{ name: "A" }], allow_msg_schedules: true }, { code: 400, err_code: 10187, description: "stream source can not also schedule messages" }],
    ["invalid subject", { name: "S", subjects: ["a..b"] }, invalid("invalid subject")],
    // nats-server 2.14 checks each subject against the later ones before its duplicate check,
    // so an exact duplicate is reported as an overlap.
    ["duplicate subject", { name: "S", subjects: ["a", "b", "a"] }, invalid('subject "a" overlaps with "a"')],
    ["capture all", { name: "S", subjects: [">"] }, invalid("capturing all subjects requires no-ack to be true")],
    ["capture all replicated", { name: "S", subjects: [">"], no_ack: true, num_replicas: 3 }, invalid("capturing all subjects requires replicas of 1")],
    ["jetstream api", { name: "S", subjects: ["$JS.API.>"] }, invalid("subjects that overlap with jetstream api require no-ack to be true")],
    ["wildcard over api", { name: "S", subjects: ["*.API.STREAM.>"] }, invalid("subjects that overlap with jetstream api require no-ack to be true")],
    ["system api", { name: "S", subjects: ["$SYS.REQ.>"] }, invalid("subjects that overlap with system api require no-ack to be true")],
    ["self overlap", { name: "S", subjects: ["a.*", "a.b"] }, invalid('subject "a.*" overlaps with "a.b"')],
    ["preferred placement", { name: "S", placement: { preferred: "n1" } }, invalid("preferred server not permitted in placement")],
    ["wrong type", { name: "S", max_msgs: "10" }, { code: 400, err_code: 10025, description: "invalid JSON: json: cannot unmarshal string into Go struct field StreamConfig.max_msgs of type int64" }],
    ["fraction", { name: "S", max_bytes: 1.5 }, { code: 400, err_code: 10025, description: "invalid JSON: json: cannot unmarshal number 1.5 into Go struct field StreamConfig.max_bytes of type int64" }],
    ["int32 overflow", { name: "S", max_msg_size: 2 ** 31 }, { code: 400, err_code: 10025, description: "invalid JSON: json: cannot unmarshal number 2147483648 into Go struct field StreamConfig.max_msg_size of type int32" }],
    ["bool as string", { name: "S", sealed: "yes" }, { code: 400, err_code: 10025, description: "invalid JSON: json: cannot unmarshal string into Go struct field StreamConfig.sealed of type bool" }],
    ["subjects not list", { name: "S", subjects: "a" }, { code: 400, err_code: 10025, description: "invalid JSON: json: cannot unmarshal string into Go struct field StreamConfig.subjects of type []string" }],
    ["unknown discard", { name: "S", discard: "older" }, { code: 400, err_code: 10025, description: 'invalid JSON: can not unmarshal "\\"older\\""' }],
    ["unknown storage", { name: "S", storage: "disk" }, { code: 400, err_code: 10025, description: 'invalid JSON: can not unmarshal "\\"disk\\""' }],
  ])("%s", (_label, input, expected) => {
    expect(refusal(input)).toEqual(expected);
  });

  it("allows $JS.EVENT subjects without no_ack", () => {
    expect(validateStreamConfig({ name: "S", subjects: ["$JS.EVENT.ADVISORY.>"] }, []).subjects).toEqual(["$JS.EVENT.ADVISORY.>"]);
  });

  it("refuses subjects overlapping another stream's with 10065", () => {
    const other = validateStreamConfig({ name: "A", subjects: ["orders.*"] }, []);
    const expected = { code: 400, err_code: 10065, description: "subjects overlap with an existing stream" };
    expect(refusal({ name: "B", subjects: ["orders.new"] }, [other])).toEqual(expected);
    expect(refusal({ name: "B", subjects: ["orders.>"] }, [other])).toEqual(expected);
    expect(validateStreamConfig({ name: "B", subjects: ["orders"] }, [other]).subjects).toEqual(["orders"]);
    expect(validateStreamConfig({ name: "A", subjects: ["orders.new"] }, [other]).subjects).toEqual(["orders.new"]);
  });
});

describe("features Flotilla refuses for now (10052 naming the field)", () => {
  it.each([
    ["allow_msg_counter", { name: "S", allow_msg_counter: true }],
    ["allow_msg_schedules", { name: "S", allow_msg_schedules: true }],
    ["allow_batched", { name: "S", allow_batched: true }],
    ["mirror", { name: "S", mirror: { name: "O" } }],
    ["sources", { name: "S", sources: [{ name: "O" }] }],
    ["subject_transform", { name: "S", subject_transform: { src: "a", dest: "b" } }],
    ["republish", { name: "S", republish: { src: ">", dest: "x.>" } }],
    ["subject_delete_marker_ttl", { name: "S", subject_delete_marker_ttl: 5 * SECOND }],
    ["retention", { name: "S", retention: "interest" }],
    ["retention", { name: "S", retention: "workqueue" }],
  ])("%s", (field, input) => {
    expect(refusal(input)).toEqual(invalid(`stream configuration field ${field} is not supported`));
  });
});

describe("stream config updates", () => {
  const current = validateStreamConfig({ name: "S", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true }, []);
  function updateRefusal(input: Record<string, unknown>, base: StreamConfig = current) {
    try {
      validateStreamUpdate(input, base, []);
    } catch (err) {
      return (err as JetStreamApiError).toWire();
    }
    throw new Error("expected the update to be refused");
  }

  it.each([
    [{ name: "T", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true }, "stream configuration name must match original"],
    [{ name: "S", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true, storage: "memory" }, "stream configuration update can not change storage type"],
    [{ name: "S", subjects: ["s.>"], deny_delete: true }, "message TTL status can not be disabled"],
    [{ name: "S", subjects: ["s.>"], allow_msg_ttl: true }, "stream configuration update can not cancel deny message deletes"],
    [{ name: "S", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true, persist_mode: "async" }, "stream configuration update can not change persist mode"],
  ])("refuses %j", (input, description) => {
    expect(updateRefusal(input)).toEqual(invalid(description));
  });

  it("refuses unsealing and cancelling deny_purge", () => {
    const sealed = validateStreamUpdate({ name: "S", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true, sealed: true }, current, []);
    expect(updateRefusal({ name: "S", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true, deny_purge: true }, sealed)).toEqual(
      invalid("stream configuration update can not unseal a sealed stream"),
    );
    const denyPurge = validateStreamConfig({ name: "S", deny_purge: true }, []);
    expect(updateRefusal({ name: "S" }, denyPurge)).toEqual(invalid("stream configuration update can not cancel deny purge"));
  });

  it("sealing forces max_age 0, discard new, deny_delete, deny_purge and no rollups", () => {
    const base = validateStreamConfig({ name: "S", max_age: 600 * SECOND, allow_rollup_hdrs: true }, []);
    const sealed = validateStreamUpdate({ name: "S", max_age: 600 * SECOND, allow_rollup_hdrs: true, sealed: true }, base, []);
    expect(sealed).toMatchObject({ sealed: true, max_age: 0, discard: "new", deny_delete: true, deny_purge: true, allow_rollup_hdrs: false });
  });

  it("allows changing limits and turning allow_atomic on and off", () => {
    const next = validateStreamUpdate({ name: "S", subjects: ["s.>", "t"], allow_msg_ttl: true, deny_delete: true, max_msgs: 5, allow_atomic: true }, current, []);
    expect(next).toMatchObject({ subjects: ["s.>", "t"], max_msgs: 5, allow_atomic: true });
    const off = validateStreamUpdate({ name: "S", subjects: ["s.>"], allow_msg_ttl: true, deny_delete: true }, next, []);
    expect(off.allow_atomic).toBeUndefined();
  });
});

describe("stream create against existing streams", () => {
  const existing = validateStreamConfig({ name: "S", subjects: ["s.>"] }, []);

  it("is idempotent for an identical configuration", () => {
    expect(validateStreamCreate({ name: "S", subjects: ["s.>"] }, [existing])).toEqual({ config: existing, exists: true });
    expect(validateStreamCreate({ name: "T", subjects: ["t"] }, [existing]).exists).toBe(false);
  });

  it.each([
    [{ name: "a/b" }, { code: 400, err_code: 10128, description: "Stream name can not contain path separators" }],
    [{ name: "a\\b" }, { code: 400, err_code: 10128, description: "Stream name can not contain path separators" }],
    [{ name: "S", sealed: true }, invalid("stream configuration for create can not be sealed")],
    [{ name: "S", mirror_direct: true }, invalid("stream has no mirror but does have mirror direct")],
  ])("create request check %j", (input, expected) => {
    try {
      validateStreamCreate(input, []);
    } catch (err) {
      expect((err as JetStreamApiError).toWire()).toEqual(expected);
      return;
    }
    throw new Error("expected the create to be refused");
  });

  it("refuses a different configuration under the same name with 10058", () => {
    expect(() => validateStreamCreate({ name: "S", subjects: ["s.>"], max_msgs: 5 }, [existing])).toThrow(
      "stream name already in use with a different configuration",
    );
    try {
      validateStreamCreate({ name: "S", subjects: ["s.>"], max_msgs: 5 }, [existing]);
    } catch (err) {
      expect((err as JetStreamApiError).toWire()).toEqual({
        code: 400, err_code: 10058, description: "stream name already in use with a different configuration",
      });
    }
  });
});
