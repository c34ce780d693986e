/**
 * errors.ts: the one table of JetStream API errors Flotilla answers with, and the typed error
 * that carries one of them.
 *
 * Every row is `{ code, err_code, description }` as nats-server's `server/errors.json` has it
 * (spec/nats-batching.md §3.2, §3.3 and the stream-configuration errors of `checkStreamCfg`).
 * Keys are the Go constant names without their `JS` prefix. Descriptions keep nats-server's
 * `{placeholder}` markers; `apiError(name, values)` fills them in.
 *
 * Expected conditions (bad input, a refused publish) are `JetStreamApiError`s; broken invariants
 * are `AssertionError`s from assert.ts and are never turned into API errors.
 */

/** ApiErrorRow is one entry of the table: HTTP-like code, JetStream err_code, description. */
export interface ApiErrorRow {
  readonly code: number;
  readonly err_code: number;
  readonly description: string;
}

/** ApiErrors maps each error name to its wire triple, byte-for-byte as nats-server sends it. */
export const ApiErrors = {
  // Batch-specific errors, spec §3.2.
  AtomicPublishDisabledErr: { code: 400, err_code: 10174, description: "atomic publish is disabled" },
  AtomicPublishMissingSeqErr: {
    code: 400,
    err_code: 10175,
    description: "atomic publish sequence is missing",
  },
  AtomicPublishIncompleteBatchErr: {
    code: 400,
    err_code: 10176,
    description: "atomic publish batch is incomplete",
  },
  AtomicPublishUnsupportedHeaderBatchErr: {
    code: 400,
    err_code: 10177,
    description: "atomic publish unsupported header used: {header}",
  },
  AtomicPublishInvalidBatchIDErr: {
    code: 400,
    err_code: 10179,
    description: "atomic publish batch ID is invalid",
  },
  MirrorWithAtomicPublishErr: {
    code: 400,
    err_code: 10198,
    description: "stream mirrors can not also use atomic publishing",
  },
  AtomicPublishTooLargeBatchErrF: {
    code: 400,
    err_code: 10199,
    description: "atomic publish batch is too large: {size}",
  },
  AtomicPublishInvalidBatchCommitErr: {
    code: 400,
    err_code: 10200,
    description: "atomic publish batch commit is invalid",
  },
  AtomicPublishContainsDuplicateMessageErr: {
    code: 400,
    err_code: 10201,
    description: "atomic publish batch contains duplicate message id",
  },
  AtomicPublishTooManyInflight: {
    code: 429,
    err_code: 10210,
    description: "atomic publish too many inflight",
  },
  BatchPublishDisabledErr: { code: 400, err_code: 10205, description: "batch publish is disabled" },
  BatchPublishInvalidPatternErr: {
    code: 400,
    err_code: 10206,
    description: "batch publish pattern is invalid",
  },
  BatchPublishInvalidBatchIDErr: {
    code: 400,
    err_code: 10207,
    description: "batch publish ID is invalid",
  },
  BatchPublishUnknownBatchIDErr: {
    code: 400,
    err_code: 10208,
    description: "batch publish ID unknown",
  },
  MirrorWithBatchPublishErr: {
    code: 400,
    err_code: 10209,
    description: "stream mirrors can not also use batch publishing",
  },
  BatchPublishTooManyInflight: {
    code: 429,
    err_code: 10211,
    description: "batch publish too many inflight",
  },
  RequiredApiLevelErr: {
    code: 412,
    err_code: 10185,
    description: "JetStream minimum api level required",
  },
  StreamInvalidConfigF: { code: 500, err_code: 10052, description: "{err}" },

  // Generic errors batch and plain messages can receive, spec §3.3.
  StreamSealedErr: { code: 400, err_code: 10109, description: "invalid operation on sealed stream" },
  InsufficientResourcesErr: { code: 503, err_code: 10023, description: "insufficient resources" },
  AccountResourcesExceededErr: {
    code: 400,
    err_code: 10002,
    description: "resource limits exceeded for account",
  },
  StreamMessageExceedsMaximumErr: {
    code: 400,
    err_code: 10054,
    description: "message size exceeds maximum allowed",
  },
  StreamStoreFailedF: { code: 503, err_code: 10077, description: "{err}" },
  StreamHeaderExceedsMaximumErr: {
    code: 400,
    err_code: 10097,
    description: "header size exceeds maximum allowed of 64k",
  },
  MessageIncrInvalidErr: {
    code: 400,
    err_code: 10171,
    description: "message counter increment is invalid",
  },
  MessageIncrDisabledErr: { code: 400, err_code: 10168, description: "message counters is disabled" },
  MessageIncrPayloadErr: { code: 400, err_code: 10170, description: "message counter has payload" },
  MessageIncrMissingErr: {
    code: 400,
    err_code: 10169,
    description: "message counter increment is missing",
  },
  MessageCounterBrokenErr: { code: 400, err_code: 10172, description: "message counter is broken" },
  StreamNotMatchErr: { code: 400, err_code: 10060, description: "expected stream does not match" },
  MessageTTLDisabledErr: { code: 400, err_code: 10166, description: "per-message TTL is disabled" },
  MessageTTLInvalidErr: { code: 400, err_code: 10165, description: "invalid per-message TTL" },
  StreamDuplicateMessageConflict: {
    code: 409,
    err_code: 10158,
    description: "duplicate message id is in process",
  },
  /**
   * Spec §3.3 row 10227. The Go constant's name is not in the sources we read; the code and
   * text are.
   */
  StreamSourceHeaderNotAllowedErr: {
    code: 400,
    err_code: 10227,
    description: "message stream source header is not allowed",
  },
  StreamWrongLastSequenceErrF: { code: 400, err_code: 10071, description: "wrong last sequence: {seq}" },
  StreamWrongLastSequenceConstantErr: {
    code: 400,
    err_code: 10164,
    description: "wrong last sequence",
  },
  StreamExpectedLastSeqPerSubjectInvalid: {
    code: 400,
    err_code: 10193,
    description: "missing sequence for expected last sequence per subject",
  },
  MessageSchedulesDisabledErr: {
    code: 400,
    err_code: 10188,
    description: "message schedules is disabled",
  },
  MessageSchedulesPatternInvalidErr: {
    code: 400,
    err_code: 10189,
    description: "message schedules pattern is invalid",
  },
  MessageSchedulesTimeZoneInvalidErr: {
    code: 400,
    err_code: 10223,
    description: "message schedules time zone is invalid",
  },
  MessageSchedulesTargetInvalidErr: {
    code: 400,
    err_code: 10190,
    description: "message schedules target is invalid",
  },
  MessageSchedulesTTLInvalidErr: {
    code: 400,
    err_code: 10191,
    description: "message schedules invalid per-message TTL",
  },
  MessageSchedulesRollupInvalidErr: {
    code: 400,
    err_code: 10192,
    description: "message schedules invalid rollup",
  },
  MessageSchedulesSourceInvalidErr: {
    code: 400,
    err_code: 10203,
    description: "message schedules source is invalid",
  },
  MessageSchedulesSchedulerInvalidErr: {
    code: 400,
    err_code: 10212,
    description: "message schedules invalid scheduler",
  },
  StreamRollupFailedF: { code: 500, err_code: 10111, description: "{err}" },
  StreamTooManyRequests: { code: 429, err_code: 10167, description: "too many requests" },
  StreamWrongLastMsgIDErrF: { code: 400, err_code: 10070, description: "wrong last msg ID: {id}" },
  ClusterNotLeaderErr: {
    code: 500,
    err_code: 10009,
    description: "JetStream cluster can not handle request",
  },

  // Stream configuration and stream API errors (nats-server checkStreamCfg, configUpdateCheck).
  StreamNameExistErr: {
    code: 400,
    err_code: 10058,
    description: "stream name already in use with a different configuration",
  },
  StreamSubjectOverlapErr: {
    code: 400,
    err_code: 10065,
    description: "subjects overlap with an existing stream",
  },
  ReplicasCountCannotBeNegative: {
    code: 400,
    err_code: 10133,
    description: "replicas count cannot be negative",
  },
  StreamReplicasNotSupportedErr: {
    code: 500,
    err_code: 10074,
    description: "replicas > 1 not supported in non-clustered mode",
  },
  MirrorWithSubjectsErr: {
    code: 400,
    err_code: 10034,
    description: "stream mirrors can not contain subjects",
  },
  MirrorWithSourcesErr: {
    code: 400,
    err_code: 10031,
    description: "stream mirrors can not also contain other sources",
  },
  MirrorWithFirstSeqErr: {
    code: 400,
    err_code: 10143,
    description: "stream mirrors can not have first sequence configured",
  },
  MirrorWithCountersErr: {
    code: 400,
    err_code: 10173,
    description: "stream mirrors can not also calculate counters",
  },
  MirrorWithMsgSchedulesErr: {
    code: 400,
    err_code: 10186,
    description: "stream mirrors can not also schedule messages",
  },
  SourceWithMsgSchedulesErr: {
    code: 400,
    err_code: 10187,
    description: "stream source can not also schedule messages",
  },
  MirrorInvalidStreamName: { code: 400, err_code: 10142, description: "mirrored stream name is invalid" },
  SourceInvalidStreamName: { code: 400, err_code: 10141, description: "sourced stream name is invalid" },
  SourceDuplicateDetected: {
    code: 400,
    err_code: 10140,
    description: "duplicate source configuration detected",
  },
  StreamMirrorNotUpdatableErr: {
    code: 400,
    err_code: 10055,
    description: "stream mirror configuration can not be updated",
  },
  StreamNotFoundErr: { code: 404, err_code: 10059, description: "stream not found" },
  StreamMismatchErr: {
    code: 400,
    err_code: 10056,
    description: "stream name in subject does not match request",
  },
  StreamNameContainsPathSeparatorsErr: {
    code: 400,
    err_code: 10128,
    description: "Stream name can not contain path separators",
  },
  NoMessageFoundErr: { code: 404, err_code: 10037, description: "no message found" },
  SequenceNotFoundErrF: { code: 400, err_code: 10043, description: "sequence {seq} not found" },
  StreamPurgeFailedF: { code: 500, err_code: 10110, description: "{err}" },
  StreamMsgDeleteFailedF: { code: 500, err_code: 10057, description: "{err}" },
  StreamRestoreErrF: { code: 500, err_code: 10062, description: "restore failed: {err}" },
  StreamSnapshotErrF: { code: 500, err_code: 10064, description: "snapshot failed: {err}" },
  InvalidJSONErr: { code: 400, err_code: 10025, description: "invalid JSON: {err}" },
  BadRequestErr: { code: 400, err_code: 10003, description: "bad request" },
} as const satisfies Record<string, ApiErrorRow>;

/** ApiErrorName is the name of one row of `ApiErrors`. */
export type ApiErrorName = keyof typeof ApiErrors;

/** ApiErrorWire is the JSON object JetStream puts under `"error"` in a response. */
export interface ApiErrorWire {
  code: number;
  err_code: number;
  description: string;
}

/** JetStreamApiError is an expected, reportable failure carrying one `ApiErrors` row. */
export class JetStreamApiError extends Error {
  override readonly name = "JetStreamApiError";
  readonly errorName: ApiErrorName;
  readonly code: number;
  readonly errCode: number;
  readonly description: string;

  constructor(errorName: ApiErrorName, description: string, options?: { cause?: unknown }) {
    super(description, options);
    const row: ApiErrorRow = ApiErrors[errorName];
    this.errorName = errorName;
    this.code = row.code;
    this.errCode = row.err_code;
    this.description = description;
  }

  /** toWire returns `{ code, err_code, description }` in nats-server's field order. */
  toWire(): ApiErrorWire {
    return { code: this.code, err_code: this.errCode, description: this.description };
  }
}

/** ApiErrorValues fills `{placeholder}` markers; values are rendered with `String()`. */
export type ApiErrorValues = Record<string, string | number | bigint>;

/**
 * apiError builds the JetStreamApiError for `name`, replacing each `{key}` in the description
 * with `values[key]`. A placeholder without a value is a programmer error and throws.
 */
export function apiError(
  name: ApiErrorName,
  values?: ApiErrorValues,
  options?: { cause?: unknown },
): JetStreamApiError {
  const template: string = ApiErrors[name].description;
  const description = template.replace(/\{([a-z]+)\}/g, (_match, key: string) => {
    const value = values?.[key];
    if (value === undefined) {
      throw new Error(`apiError(${name}): missing value for placeholder {${key}}`);
    }
    return String(value);
  });
  return new JetStreamApiError(name, description, options);
}

/** invalidConfig builds 10052 JSStreamInvalidConfigF with `text` as its description. */
export function invalidConfig(text: string): JetStreamApiError {
  return apiError("StreamInvalidConfigF", { err: text });
}
