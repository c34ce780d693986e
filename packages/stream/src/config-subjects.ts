/**
 * config-subjects.ts: the subject, mirror and source checks of stream configuration
 * validation, in nats-server's order and with its error texts.
 */
import { apiError, invalidConfig } from "./errors";
import type { RawStreamConfig } from "./config-parse";
import type { StreamConfig } from "./config-types";
import { goQuote } from "./go-quote";
import { isValidSubject, subjectIsSubsetOf, subjectsOverlap } from "./subjects";

const NAME_FORBIDDEN = /[ \t\r\n\f.*>\\/]/;
const API_NAMESPACES = ["$JS.>", "$JSC.>", "$NRG.>"] as const;

/** isValidAssetName reports whether `name` is a valid JetStream asset (stream) name. */
export function isValidAssetName(name: unknown): boolean {
  return typeof name === "string" && name.length > 0 && !NAME_FORBIDDEN.test(name);
}

function checkMirror(raw: RawStreamConfig): void {
  const mirror = raw.mirror as Record<string, unknown> | undefined;
  if (mirror === undefined) return;
  if (typeof raw.first_seq === "number" && raw.first_seq > 0) throw apiError("MirrorWithFirstSeqErr");
  if (Array.isArray(raw.subjects) && raw.subjects.length > 0) throw apiError("MirrorWithSubjectsErr");
  if (Array.isArray(raw.sources) && raw.sources.length > 0) throw apiError("MirrorWithSourcesErr");
  if (raw.allow_msg_counter === true) throw apiError("MirrorWithCountersErr");
  if (raw.allow_atomic === true) throw apiError("MirrorWithAtomicPublishErr");
  if (raw.allow_batched === true) throw apiError("MirrorWithBatchPublishErr");
  if (raw.allow_msg_schedules === true) throw apiError("MirrorWithMsgSchedulesErr");
  if (typeof raw.subject_delete_marker_ttl === "number" && raw.subject_delete_marker_ttl > 0) {
    throw invalidConfig("subject delete markers forbidden on mirrors");
  }
  if (mirror.external === undefined && !isValidAssetName(mirror.name)) {
    throw apiError("MirrorInvalidStreamName");
  }
}

function checkSources(raw: RawStreamConfig): void {
  const sources = (raw.sources as (Record<string, unknown> | null)[] | undefined) ?? [];
  if (sources.length > 0 && raw.allow_msg_schedules === true) throw apiError("SourceWithMsgSchedulesErr");
  const seen = new Set<string>();
  for (const source of sources) {
    if (source === null || !isValidAssetName(source.name)) throw apiError("SourceInvalidStreamName");
    const external = source.external as Record<string, unknown> | undefined;
    const identity = [source.name, source.filter_subject ?? "", external?.api ?? ""].join(" ");
    if (seen.has(identity)) throw apiError("SourceDuplicateDetected");
    seen.add(identity);
  }
}

/** checkMirrorAndSources runs the mirror and source checks nats-server runs before subjects. */
export function checkMirrorAndSources(raw: RawStreamConfig): void {
  checkMirror(raw);
  checkSources(raw);
}

/**
 * checkOneSubject checks one subject. As in nats-server 2.14, each subject is compared with the
 * later ones before it would be recorded as seen, so an exact duplicate is reported as an
 * overlap ("duplicate subjects detected" is never reached there either).
 */
function checkOneSubject(cfg: StreamConfig, subject: string, index: number): void {
  if (!isValidSubject(subject)) throw invalidConfig("invalid subject");
  const noAck = cfg.no_ack === true;
  if (subject === ">") {
    if (!noAck) throw invalidConfig("capturing all subjects requires no-ack to be true");
    if (cfg.num_replicas !== 1) throw invalidConfig("capturing all subjects requires replicas of 1");
  }
  if (!noAck) {
    for (const namespace of API_NAMESPACES) {
      if (subjectsOverlap(subject, namespace) && !subjectIsSubsetOf(subject, "$JS.EVENT.>")) {
        throw invalidConfig("subjects that overlap with jetstream api require no-ack to be true");
      }
    }
    if (subjectsOverlap(subject, "$SYS.>") && !subjectIsSubsetOf(subject, "$SYS.ACCOUNT.>")) {
      throw invalidConfig("subjects that overlap with system api require no-ack to be true");
    }
  }
  for (const later of cfg.subjects.slice(index + 1)) {
    if (subjectsOverlap(later, subject)) {
      throw invalidConfig(`subject ${goQuote(subject)} overlaps with ${goQuote(later)}`);
    }
  }
}

/**
 * checkSubjects defaults the subjects to `[name]` for a plain stream and checks each subject:
 * validity, duplicates, `>`, the API namespaces, and overlap with the stream's own subjects.
 */
export function checkSubjects(raw: RawStreamConfig, cfg: StreamConfig): void {
  const hasMirror = raw.mirror !== undefined;
  const hasSources = Array.isArray(raw.sources) && raw.sources.length > 0;
  if (cfg.subjects.length === 0) {
    if (!hasMirror && !hasSources) cfg.subjects = [cfg.name];
  } else {
    if (hasMirror) throw apiError("MirrorWithSubjectsErr");
    cfg.subjects.forEach((subject, index) => checkOneSubject(cfg, subject, index));
  }
  if (cfg.subjects.length === 0 && !hasSources && !hasMirror) {
    throw invalidConfig("stream needs at least one configured subject or be a source/mirror");
  }
}
