/**
 * Command-line arguments of `pnpm sim`: which seeds to run, and an optional mutation that breaks
 * the simulated world on purpose (to watch the checkers fire). Parsing is pure so it is tested
 * without spawning a process.
 */
import { Mutation } from "./cluster";
import type { RunOptions } from "./run";

/** SimArgs is what `pnpm sim` was asked to do. */
export interface SimArgs {
  readonly seedFirst: number;
  readonly seedCount: number;
  readonly verbose: boolean;
  /** marks prints the coverage marks summed over all seeds. */
  readonly marks: boolean;
  readonly mutation: Mutation | null;
  /** safetyTicks fixes the length of the faulty phase (default: drawn in 120..300 per seed). */
  readonly safetyTicks: number | null;
  /** leaderChurn runs every seed in the figure-8 hunting mode (default: half of the seeds). */
  readonly leaderChurn: boolean;
}

/** UsageError is a command line the simulator cannot run. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** USAGE is printed with every usage error. */
export const USAGE = `usage: pnpm sim --seeds N [--seed S] [--verbose] [--marks] [--safety-ticks T] [--leader-churn] [--mutation ${Object.values(Mutation).join("|")}]`;

function parseInteger(flag: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${flag} needs a non-negative integer, got ${text ?? "nothing"}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${text}`);
  return value;
}

function parseMutation(text: string | undefined): Mutation {
  const mutation = Object.values(Mutation).find((candidate) => candidate === text);
  if (mutation === undefined) throw new UsageError(`--mutation must be one of ${Object.values(Mutation).join(", ")}, got ${text ?? "nothing"}`);
  return mutation;
}

/** parseSimArgs reads `--seeds N` (seeds 1..N, or S..S+N-1 with --seed S) and `--seed S` alone. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
  let seedFirst: number | null = null;
  let seedCount: number | null = null;
  let verbose = false;
  let marks = false;
  let mutation: Mutation | null = null;
  let safetyTicks: number | null = null;
  let leaderChurn = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === "--seeds") seedCount = parseInteger(flag, argv[++i], 1);
    else if (flag === "--seed") seedFirst = parseInteger(flag, argv[++i], 0);
    else if (flag === "--verbose") verbose = true;
    else if (flag === "--marks") marks = true;
    else if (flag === "--mutation") mutation = parseMutation(argv[++i]);
    else if (flag === "--safety-ticks") safetyTicks = parseInteger(flag, argv[++i], 1);
    else if (flag === "--leader-churn") leaderChurn = true;
    else if (flag !== "--") throw new UsageError(`unknown argument ${flag}`);
  }
  if (seedFirst === null && seedCount === null) throw new UsageError("give --seeds N and/or --seed S");
  return { seedFirst: seedFirst ?? 1, seedCount: seedCount ?? 1, verbose, marks, mutation, safetyTicks, leaderChurn };
}

/** replayCommand is the command that replays one seed exactly (same phase length, mode and mutation). */
export function replayCommand(seed: number, args: Pick<SimArgs, "mutation" | "safetyTicks"> & Partial<Pick<SimArgs, "leaderChurn">>): string {
  const ticks = args.safetyTicks === null ? "" : ` --safety-ticks ${args.safetyTicks}`;
  const churn = args.leaderChurn === true ? " --leader-churn" : "";
  const mutation = args.mutation === null ? "" : ` --mutation ${args.mutation}`;
  return `pnpm sim --seed ${seed}${ticks}${churn}${mutation}`;
}

/** runOptionsOf turns the arguments into the options of runSeed. */
export function runOptionsOf(args: Pick<SimArgs, "mutation" | "safetyTicks"> & Partial<Pick<SimArgs, "leaderChurn">>): RunOptions {
  return {
    ...(args.leaderChurn === true ? { leaderChurn: true } : {}),
    ...(args.mutation === null ? {} : { mutation: args.mutation }),
    ...(args.safetyTicks === null ? {} : { safetyTicks: { min: args.safetyTicks, max: args.safetyTicks } }),
  };
}
