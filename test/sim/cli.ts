/**
 * `pnpm sim --seeds N [--seed S]`: run seeds S, S+1, ... (or 1..N), print each failure with the
 * command that replays it, and one summary line:
 *   sim: seeds=500 steps=123456 elections=789 commits=45678 violations=0
 * Exit codes (ExitCode): 0 all passed, 2 safety violation, 3 liveness failure, 4 the core
 * crashed (an assertion or unexpected error escaped it), 64 bad usage. With failures of several
 * classes the most severe wins: safety, then crash, then liveness.
 */
import { parseSimArgs, replayCommand, runOptionsOf, USAGE, UsageError, type SimArgs } from "./args";
import { FailureClass, runSeed, type RunResult } from "./run";

/** ExitCode names the process exit codes, one per failure class. */
export const ExitCode = { Ok: 0, Safety: 2, Liveness: 3, Crash: 4, Usage: 64 } as const;

function exitCodeOf(failures: readonly RunResult[]): number {
  if (failures.some((result) => result.failure === FailureClass.Safety)) return ExitCode.Safety;
  if (failures.some((result) => result.failure === FailureClass.Crash)) return ExitCode.Crash;
  if (failures.length > 0) return ExitCode.Liveness;
  return ExitCode.Ok;
}

function runSeeds(args: SimArgs): number {
  const failures: RunResult[] = [];
  let steps = 0;
  let elections = 0;
  let commits = 0;
  const marks = new Map<string, number>();
  for (let seed = args.seedFirst; seed < args.seedFirst + args.seedCount; seed++) {
    const result = runSeed(seed, runOptionsOf(args));
    steps += result.steps;
    elections += result.elections;
    commits += result.commits;
    for (const [mark, count] of result.marks) marks.set(mark, (marks.get(mark) ?? 0) + count);
    if (args.verbose) {
      process.stdout.write(
        `seed ${seed}: nodes=${result.options.nodeCount} ticks=${result.ticks} steps=${result.steps} ` +
          `elections=${result.elections} commits=${result.commits} acknowledged=${result.acknowledged} ` +
          `digest=${result.digest} ${result.failure ?? "ok"}\n`,
      );
    }
    if (result.failure !== null) {
      failures.push(result);
      process.stdout.write(
        `seed ${seed}: ${result.failure} failure after ${result.steps} steps (tick ${result.ticks}): ${result.detail}\n` +
          `  replay: ${replayCommand(seed, args)}\n`,
      );
    }
  }
  if (args.marks) {
    for (const [mark, count] of [...marks].sort(([a], [b]) => (a < b ? -1 : 1))) process.stdout.write(`mark ${mark}: ${count}\n`);
  }
  process.stdout.write(
    `sim: seeds=${args.seedCount} steps=${steps} elections=${elections} commits=${commits} violations=${failures.length}\n`,
  );
  return exitCodeOf(failures);
}

function main(): void {
  let args: SimArgs;
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sim: ${error.message}\n${USAGE}\n`);
    process.exitCode = ExitCode.Usage;
    return;
  }
  process.exitCode = runSeeds(args);
}

main();
