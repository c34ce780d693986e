/**
 * `add-nodes N [pre-vote=B] [check-quorum=B] [election=T] [heartbeat=T] [inflight=N]
 * [append-bytes=B] [seed=S]
 * [<node>.log=1,1,2 <node>.term=T <node>.commit=I]`: creates voters n1..nN. A node given a log
 * starts as if restored from a disk holding entries with those terms (payload "e<index>@<term>").
 */
import type { NodeId, RaftRestore } from "../harness/raft";
import { entriesFromTerms } from "../harness/helpers";
import { boolOption, checkOptions, checkPositional, intOption, termsOption } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";
import { statusLines } from "./status";

const CLUSTER_OPTIONS = new Set(["pre-vote", "check-quorum", "election", "heartbeat", "inflight", "append-bytes", "seed"]);
const NODE_OPTION = /^n\d+\.(log|term|commit)$/;

/** handleAddNodes runs `add-nodes`. */
export function handleAddNodes(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 1, 1);
  checkOptions(args, (key) => CLUSTER_OPTIONS.has(key) || NODE_OPTION.test(key));
  const count = Number(args.positional[0]);
  if (!Number.isSafeInteger(count) || count < 1 || count > 9) throw new Error(`add-nodes: bad node count ${args.positional[0]}`);
  const ids = Array.from({ length: count }, (_, i) => `n${i + 1}`);
  const restore: Partial<Record<NodeId, RaftRestore>> = {};
  for (const id of ids) {
    const logTerms = termsOption(args, `${id}.log`);
    const term = intOption(args, `${id}.term`, logTerms[logTerms.length - 1] ?? 0);
    const commit = intOption(args, `${id}.commit`, 0);
    if (logTerms.length > 0 || term > 0) {
      restore[id] = { hardState: { term, vote: null, commit }, snapshot: null, entries: entriesFromTerms(logTerms), applied: commit };
    }
  }
  env.start(ids, {
    seed: intOption(args, "seed", 1),
    restore,
    config: {
      preVote: boolOption(args, "pre-vote", true),
      checkQuorum: boolOption(args, "check-quorum", true),
      electionTimeoutTicks: intOption(args, "election", 10),
      heartbeatIntervalTicks: intOption(args, "heartbeat", 1),
      inflightAppendsMax: intOption(args, "inflight", 64),
      appendBytesMax: intOption(args, "append-bytes", 1024 * 1024),
    },
  });
  for (const id of ids) env.net.process(id);
  return ids.flatMap((id) => statusLines(env, id));
}
