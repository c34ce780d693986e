/**
 * `propose <node> <payload> [term=T]`: proposes one entry (optionally fenced to term T). The
 * output is where it landed, or the typed refusal's code and message.
 */
import { ProposalError } from "../harness/raft";
import { checkOptions, checkPositional, intOption } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** handlePropose runs `propose`. */
export function handlePropose(env: InteractionEnv, args: CommandArgs): string[] {
  checkPositional(args, 2, 2);
  checkOptions(args, (key) => key === "term");
  const id = env.node(args.positional[0], "propose");
  const core = env.liveCore(id, "propose");
  const term = args.options.has("term") ? intOption(args, "term", 0) : undefined;
  try {
    const result = core.propose(new TextEncoder().encode(args.positional[1]), term === undefined ? {} : { term });
    return [`${id} proposed ${result.index}/${result.term}`];
  } catch (error) {
    if (!(error instanceof ProposalError)) throw error;
    return [`${id} refused ${error.code} retryable=${error.retryable}: ${error.message}`];
  }
}
