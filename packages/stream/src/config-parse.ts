/**
 * config-parse.ts: type-checks a stream configuration as a client sent it (parsed JSON) before
 * validation. A field of the wrong JSON type is refused with 10025 and a description in the
 * shape Go's encoding/json gives; unknown fields are ignored, as nats-server ignores them.
 */
import { apiError, invalidConfig } from "./errors";

/** FieldKind is how one StreamConfig field is type-checked. */
const FieldKind = {
  String: "string",
  StringList: "[]string",
  Int: "int",
  Int32: "int32",
  Int64: "int64",
  Uint64: "uint64",
  Duration: "time.Duration",
  Bool: "bool",
  StringMap: "map[string]string",
  Object: "object",
  ObjectList: "[]object",
  Enum: "enum",
} as const;
type FieldKindValue = (typeof FieldKind)[keyof typeof FieldKind];

interface FieldSpec {
  kind: FieldKindValue;
  values?: readonly string[];
}

const FIELDS: Record<string, FieldSpec> = {
  name: { kind: FieldKind.String },
  description: { kind: FieldKind.String },
  subjects: { kind: FieldKind.StringList },
  retention: { kind: FieldKind.Enum, values: ["limits", "interest", "workqueue"] },
  max_consumers: { kind: FieldKind.Int },
  max_msgs: { kind: FieldKind.Int64 },
  max_bytes: { kind: FieldKind.Int64 },
  max_age: { kind: FieldKind.Duration },
  max_msgs_per_subject: { kind: FieldKind.Int64 },
  max_msg_size: { kind: FieldKind.Int32 },
  discard: { kind: FieldKind.Enum, values: ["old", "new"] },
  storage: { kind: FieldKind.Enum, values: ["file", "memory"] },
  num_replicas: { kind: FieldKind.Int },
  no_ack: { kind: FieldKind.Bool },
  duplicate_window: { kind: FieldKind.Duration },
  placement: { kind: FieldKind.Object },
  mirror: { kind: FieldKind.Object },
  sources: { kind: FieldKind.ObjectList },
  compression: { kind: FieldKind.Enum, values: ["none", "s2"] },
  first_seq: { kind: FieldKind.Uint64 },
  subject_transform: { kind: FieldKind.Object },
  republish: { kind: FieldKind.Object },
  allow_direct: { kind: FieldKind.Bool },
  mirror_direct: { kind: FieldKind.Bool },
  discard_new_per_subject: { kind: FieldKind.Bool },
  sealed: { kind: FieldKind.Bool },
  deny_delete: { kind: FieldKind.Bool },
  deny_purge: { kind: FieldKind.Bool },
  allow_rollup_hdrs: { kind: FieldKind.Bool },
  consumer_limits: { kind: FieldKind.Object },
  allow_msg_ttl: { kind: FieldKind.Bool },
  subject_delete_marker_ttl: { kind: FieldKind.Duration },
  allow_msg_counter: { kind: FieldKind.Bool },
  allow_atomic: { kind: FieldKind.Bool },
  allow_msg_schedules: { kind: FieldKind.Bool },
  persist_mode: { kind: FieldKind.Enum, values: ["default", "async"] },
  allow_batched: { kind: FieldKind.Bool },
  metadata: { kind: FieldKind.StringMap },
};

const INT_RANGES: Partial<Record<FieldKindValue, readonly [number, number]>> = {
  [FieldKind.Int32]: [-2147483648, 2147483647],
  [FieldKind.Int]: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [FieldKind.Int64]: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [FieldKind.Duration]: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [FieldKind.Uint64]: [0, Number.MAX_SAFE_INTEGER],
};

/** RawStreamConfig is a type-checked but not yet validated configuration (absent = unset). */
export type RawStreamConfig = Record<string, unknown>;

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return `number ${value}`;
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

function unmarshalError(field: string, spec: FieldSpec, value: unknown): Error {
  const goType = spec.kind === FieldKind.Object || spec.kind === FieldKind.ObjectList ? "struct" : spec.kind;
  const target = `Go struct field StreamConfig.${field} of type ${goType}`;
  const text = `json: cannot unmarshal ${jsonTypeName(value)} into ${target}`;
  return apiError("InvalidJSONErr", { err: text });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkField(field: string, spec: FieldSpec, value: unknown): void {
  switch (spec.kind) {
    case FieldKind.String:
      if (typeof value !== "string") throw unmarshalError(field, spec, value);
      return;
    case FieldKind.Bool:
      if (typeof value !== "boolean") throw unmarshalError(field, spec, value);
      return;
    case FieldKind.StringList:
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw unmarshalError(field, spec, value);
      }
      return;
    case FieldKind.StringMap:
      if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === "string")) {
        throw unmarshalError(field, spec, value);
      }
      return;
    case FieldKind.Object:
      if (!isPlainObject(value)) throw unmarshalError(field, spec, value);
      return;
    case FieldKind.ObjectList:
      if (!Array.isArray(value) || !value.every((v) => v === null || isPlainObject(v))) {
        throw unmarshalError(field, spec, value);
      }
      return;
    case FieldKind.Enum:
      if (typeof value !== "string" || !(spec.values ?? []).includes(value)) {
        // nats-server's enum unmarshalers quote the raw JSON token with %q.
        const token = JSON.stringify(JSON.stringify(value));
        throw apiError("InvalidJSONErr", { err: `can not unmarshal ${token}` });
      }
      return;
    case FieldKind.Int:
    case FieldKind.Int32:
    case FieldKind.Int64:
    case FieldKind.Uint64:
    case FieldKind.Duration: {
      const range = INT_RANGES[spec.kind] as readonly [number, number];
      if (typeof value !== "number" || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        throw unmarshalError(field, spec, value);
      }
      return;
    }
  }
}

/**
 * parseStreamConfigInput checks every known field's JSON type and returns the known fields
 * (nulls dropped, as Go leaves zero values for null). Throws JetStreamApiError 10025 for a
 * wrong type, 10052 "stream configuration invalid" when `input` is not an object.
 */
export function parseStreamConfigInput(input: unknown): RawStreamConfig {
  if (!isPlainObject(input)) throw invalidConfig("stream configuration invalid");
  const raw: RawStreamConfig = {};
  for (const [field, value] of Object.entries(input)) {
    const spec = FIELDS[field];
    if (spec === undefined || value === null || value === undefined) continue;
    checkField(field, spec, value);
    raw[field] = value;
  }
  return raw;
}
