/**
 * One-line text forms of messages, entries, events and Readies for scenario outputs. They are
 * terse but complete: every field that matters to the protocol appears.
 */
import { EntryKind, MessageType, assertNever, type Entry, type Message, type Ready, type TraceEvent } from "../harness/raft";

const decoder = new TextDecoder();

/** formatEntry: `index/term "payload"` or `index/term noop`. */
export function formatEntry(entry: Entry): string {
  const body = entry.kind === EntryKind.Noop ? "noop" : JSON.stringify(decoder.decode(entry.data));
  return `${entry.index}/${entry.term} ${body}`;
}

/** formatEntries: `[e1, e2]`. */
export function formatEntries(entries: readonly Entry[]): string {
  return `[${entries.map(formatEntry).join(", ")}]`;
}

/** formatMessage: `from->to type term=T ...fields`. */
export function formatMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  switch (m.type) {
    case MessageType.PreVote:
    case MessageType.Vote:
      return `${head} last=${m.lastIndex}/${m.lastTerm}${m.transfer ? " transfer" : ""}`;
    case MessageType.PreVoteResponse:
    case MessageType.VoteResponse:
      return `${head} ${m.reject ? "rejected" : "granted"}`;
    case MessageType.Append:
      return `${head} prev=${m.prevIndex}/${m.prevTerm} commit=${m.commit} entries=${formatEntries(m.entries)}`;
    case MessageType.AppendResponse: {
      if (!m.reject) return `${head} index=${m.index}`;
      const hint = m.rejectHint === null ? "none" : `${m.rejectHint.index}/${m.rejectHint.term}`;
      return `${head} reject index=${m.index} hint=${hint}${m.logLoss === true ? " logLoss" : ""}`;
    }
    case MessageType.Heartbeat:
    case MessageType.TermReport:
      return `${head} commit=${m.commit}`;
    case MessageType.HeartbeatResponse:
    case MessageType.TimeoutNow:
    case MessageType.TermProbe:
      return head;
    case MessageType.Snapshot:
      return `${head} snapshot=${m.meta.index}/${m.meta.term}`;
    default:
      return assertNever(m);
  }
}

/** formatEvent: `kind key=value ...` without the node and term stamp (printed by the caller). */
export function formatEvent(event: TraceEvent): string {
  const fields = Object.entries(event)
    .filter(([key]) => key !== "kind" && key !== "node" && key !== "term")
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [event.kind, ...fields].join(" ");
}

/** formatReady lists what one Ready asks its driver to do, one item per line. */
export function formatReady(rd: Ready): string[] {
  const lines: string[] = [];
  for (const event of rd.events) lines.push(`event t${event.term} ${formatEvent(event)}`);
  if (rd.hardState !== null) {
    const hs = rd.hardState;
    lines.push(`hardState term=${hs.term} vote=${hs.vote ?? "none"} commit=${hs.commit}`);
  }
  if (rd.snapshot !== null) lines.push(`snapshot ${rd.snapshot.index}/${rd.snapshot.term}`);
  if (rd.entries.length > 0) lines.push(`entries ${formatEntries(rd.entries)}`);
  if (rd.committed.length > 0) lines.push(`committed ${formatEntries(rd.committed)}`);
  if (rd.compactedThrough !== null) lines.push(`compactedThrough ${rd.compactedThrough}`);
  for (const message of rd.messages) lines.push(`send ${formatMessage(message)}`);
  return lines;
}
