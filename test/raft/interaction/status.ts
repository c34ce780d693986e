/**
 * `status [node...]`: role, term, vote, leader, commit, applied and log bounds of each node;
 * a leader also lists its progress for every voter (itself included).
 */
import type { NodeId } from "../harness/raft";
import { checkOptions } from "./args";
import type { CommandArgs } from "./datadriven";
import type { InteractionEnv } from "./env";

/** statusLines describes one node. */
export function statusLines(env: InteractionEnv, id: NodeId): string[] {
  if (env.isDown(id)) return [`${id} down`];
  const st = env.net.core(id).status();
  const transfer = st.transferTarget === null ? "" : ` transfer=${st.transferTarget}`;
  const lines = [
    `${id} ${st.role} term=${st.term} vote=${st.vote ?? "none"} leader=${st.leader ?? "none"} ` +
      `commit=${st.commit} applied=${st.applied} first=${st.firstIndex} last=${st.lastIndex}${transfer}`,
  ];
  for (const peer of Object.keys(st.progress).sort()) {
    const p = st.progress[peer];
    if (p !== undefined) lines.push(`  ${peer} match=${p.match} next=${p.next} ${p.state} inflight=${p.inflight}`);
  }
  return lines;
}

/** handleStatus runs `status`. */
export function handleStatus(env: InteractionEnv, args: CommandArgs): string[] {
  checkOptions(args, () => false);
  return env.nodesOf(args).flatMap((id) => statusLines(env, id));
}
