/**
 * scenario-runner.ts: a tiny command language for stream scenarios (etcd's datadriven shape).
 * A scenario file is blocks of `command args…`, a `----` line, and the expected output, each
 * block ended by a blank line. Commands drive a real StreamStore; outputs are plain text.
 *
 *   create <name> <json-config>      stream.create (validated; name merged into the config)
 *   update <name> <json-config>      stream.update
 *   msg <stream> <subject> [id=X] [ttl=Ns|never] [rollup=sub|all] [data=text] [at=+Ns]
 *   batch <stream> <subject>[,id=X][,rollup=R] … [at=+Ns]
 *   purge <stream> [filter=F] [seq=N] [keep=N]
 *   delete <stream> <seq>
 *   expire <stream> [at=+Ns]
 *   state <stream> | msgs <stream> | dedupe <stream> <id> | reopen
 *
 * Time starts at 0 s and only moves by `at=+Ns` (seconds added before the command runs).
 */
import type { BatchMsg, MsgFields, StreamOp, StreamStore, StreamView } from "../src/index";
import { validateStreamConfig, validateStreamUpdate } from "../src/index";

const SECOND_NS = 1_000_000_000n;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** ScenarioContext is the state a scenario runs against. */
export interface ScenarioContext {
  store: StreamStore;
  reopen(): Promise<StreamStore>;
  raftIndex: number;
  nowSeconds: number;
}

function options(args: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const arg of args) {
    const at = arg.indexOf("=");
    if (at > 0) map.set(arg.slice(0, at), arg.slice(at + 1));
  }
  return map;
}

function fields(subject: string, opts: Map<string, string>): MsgFields {
  const f: MsgFields = { subject, headers: null, data: enc.encode(opts.get("data") ?? "") };
  const id = opts.get("id");
  if (id !== undefined) f.msgId = id;
  const ttl = opts.get("ttl");
  if (ttl === "never") f.ttlNs = -1n;
  else if (ttl !== undefined) f.ttlNs = BigInt(ttl.replace(/s$/, "")) * SECOND_NS;
  const rollup = opts.get("rollup");
  if (rollup === "sub" || rollup === "all") f.rollup = rollup;
  return f;
}

function view(ctx: ScenarioContext, name: string): StreamView {
  const v = ctx.store.view(name);
  if (v === undefined) throw new Error(`scenario: no stream ${name}`);
  return v;
}

async function apply(ctx: ScenarioContext, op: StreamOp): Promise<string> {
  ctx.raftIndex += 1;
  const result = await ctx.store.apply(ctx.raftIndex, op);
  return Object.entries(result)
    .filter(([key]) => key !== "config")
    .map(([key, value]) => (key === "kind" ? String(value) : `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`))
    .join(" ");
}

function nowNs(ctx: ScenarioContext): bigint {
  return BigInt(ctx.nowSeconds) * SECOND_NS;
}

async function listMessages(v: StreamView): Promise<string> {
  const lines: string[] = [];
  for (let seq = Math.max(1, v.state().first_seq); seq <= v.lastSeq; seq++) {
    const m = await v.getMessage(seq);
    if (m === undefined) continue;
    const ttl = m.ttlDeadlineNs === 0n ? "" : m.ttlDeadlineNs === -1n ? " ttl=never" : ` expires=${m.ttlDeadlineNs / SECOND_NS}s`;
    lines.push(`${seq} ${m.subject} "${dec.decode(m.data)}" t=${m.timestampNs / SECOND_NS}s${ttl}`);
  }
  return lines.length === 0 ? "(none)" : lines.join("\n");
}

function stateLine(v: StreamView): string {
  const s = v.state();
  const ts = (t: bigint) => `${t / SECOND_NS}s`;
  return `messages=${s.messages} bytes=${s.bytes} first=${s.first_seq} last=${s.last_seq} first_ts=${ts(s.first_ts)} last_ts=${ts(s.last_ts)} subjects=${s.num_subjects} deleted=${s.num_deleted}`;
}

/** runCommand executes one command line and returns its output text. */
export async function runCommand(ctx: ScenarioContext, line: string): Promise<string> {
  const [command, ...rest] = line.trim().split(/\s+/);
  const opts = options(rest);
  const at = opts.get("at");
  if (at !== undefined) ctx.nowSeconds += Number(at.replace(/^\+/, "").replace(/s$/, ""));
  const name = rest[0] ?? "";
  switch (command) {
    case "create":
    case "update": {
      const input = { ...JSON.parse(line.slice(line.indexOf("{"))), name };
      const others = ctx.store.streams().map((s) => s.config).filter((c) => c.name !== name);
      try {
        const config = command === "create" ? validateStreamConfig(input, others) : validateStreamUpdate(input, view(ctx, name).config, others);
        return await apply(ctx, { op: command === "create" ? "stream.create" : "stream.update", config });
      } catch (err) {
        return `error ${JSON.stringify((err as { toWire(): unknown }).toWire())}`;
      }
    }
    case "msg":
      return apply(ctx, { op: "msg", stream: name, seq: view(ctx, name).lastSeq + 1, timestampNs: nowNs(ctx), ...fields(rest[1] ?? "", opts) });
    case "batch": {
      const msgs: BatchMsg[] = rest.slice(1).filter((a) => !a.startsWith("at=")).map((spec) => {
        const [subject, ...parts] = spec.split(",");
        return fields(subject ?? "", options(parts));
      });
      return apply(ctx, { op: "batch", stream: name, batchId: "b", firstSeq: view(ctx, name).lastSeq + 1, timestampNs: nowNs(ctx), msgs });
    }
    case "purge": {
      const op: StreamOp = { op: "purge", stream: name };
      if (opts.has("filter")) op.filter = opts.get("filter") as string;
      if (opts.has("seq")) op.seq = Number(opts.get("seq"));
      if (opts.has("keep")) op.keep = Number(opts.get("keep"));
      return apply(ctx, op);
    }
    case "delete":
      return apply(ctx, { op: "msg.delete", stream: name, seq: Number(rest[1]) });
    case "expire":
      return apply(ctx, { op: "expire", stream: name, nowNs: nowNs(ctx) });
    case "state":
      return stateLine(view(ctx, name));
    case "msgs":
      return listMessages(view(ctx, name));
    case "dedupe": {
      const entry = view(ctx, name).dedupe(rest[1] ?? "");
      return entry === undefined ? "(none)" : `seq=${entry.seq} t=${entry.timestampNs / SECOND_NS}s`;
    }
    case "reopen":
      ctx.store = await ctx.reopen();
      return `applied=${ctx.store.appliedIndex}`;
    default:
      throw new Error(`scenario: unknown command ${command}`);
  }
}

/** Block is one command with its expected output. */
export interface Block {
  command: string;
  expected: string;
}

/** parseScenario splits a scenario file into blocks; `#` lines between blocks are comments. */
export function parseScenario(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const lines = chunk.split("\n").filter((l) => !l.startsWith("#"));
    if (lines.every((l) => l.trim() === "")) continue;
    const separator = lines.indexOf("----");
    if (separator !== 1) throw new Error(`scenario: block without "command\\n----": ${chunk}`);
    blocks.push({ command: lines[0] as string, expected: lines.slice(2).join("\n").trimEnd() });
  }
  return blocks;
}

/** formatScenario writes blocks back (for UPDATE=1). */
export function formatScenario(blocks: Block[], comments: string): string {
  return `${comments}${blocks.map((b) => `${b.command}\n----\n${b.expected}\n`).join("\n")}`;
}
