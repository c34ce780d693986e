/**
 * `pnpm sim --seeds N [--seed S]`: run seeds S, S+1, ... (or 1..N), print each failure with the
 * command that replays it, and one summary line:
 *   sim: seeds=500 steps=123456 elections=789 commits=45678 violations=0
 * Exit codes: 0 all passed, 2 safety violation, 3 liveness failure, 4 the core crashed
 * (threw an assertion or an unexpected error), 64 bad usage.
 */
import { FailureClass, runSeed, type RunResult } from "./run";

/** ExitCode names the process exit codes, one per failure class. */
export const ExitCode = { Ok: 0, Safety: 2, Liveness: 3, Crash: 4, Usage: 64 } as const;

interface CliArgs {
  seedFirst: number;
  seedCount: number;
  verbose: boolean;
}

function usage(message: string): never {
  process.stderr.write(`sim: ${message}\nusage: pnpm sim --seeds N [--seed S] [--verbose]\n`);
  process.exit(ExitCode.Usage);
}

function parseInteger(flag: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text)) usage(`${flag} needs a non-negative integer, got ${text ?? "nothing"}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) usage(`${flag} must be an integer >= ${min}, got ${text}`);
  return value;
}

function parseArgs(argv: readonly string[]): CliArgs {
  let seedFirst: number | null = null;
  let seedCount: number | null = null;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--seeds") seedCount = parseInteger(flag, argv[++i], 1);
    else if (flag === "--seed") seedFirst = parseInteger(flag, argv[++i], 0);
    else if (flag === "--verbose") verbose = true;
    else if (flag === "--") continue;
    else usage(`unknown argument ${flag}`);
  }
  if (seedFirst === null && seedCount === null) usage("give --seeds N and/or --seed S");
  return { seedFirst: seedFirst ?? 1, seedCount: seedCount ?? 1, verbose };
}

function report(result: RunResult): void {
  process.stdout.write(
    `seed ${result.seed}: ${result.failure} failure after ${result.steps} steps (tick ${result.ticks}): ${result.detail}\n` +
      `  replay: pnpm sim --seed ${result.seed}\n`,
  );
}

function exitCodeOf(failures: readonly RunResult[]): number {
  if (failures.some((result) => result.failure === FailureClass.Safety)) return ExitCode.Safety;
  if (failures.some((result) => result.failure === FailureClass.Crash)) return ExitCode.Crash;
  if (failures.length > 0) return ExitCode.Liveness;
  return ExitCode.Ok;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const failures: RunResult[] = [];
  let steps = 0;
  let elections = 0;
  let commits = 0;
  for (let seed = args.seedFirst; seed < args.seedFirst + args.seedCount; seed++) {
    const result = runSeed(seed);
    steps += result.steps;
    elections += result.elections;
    commits += result.commits;
    if (args.verbose) {
      process.stdout.write(
        `seed ${seed}: nodes=${result.options.nodeCount} ticks=${result.ticks} steps=${result.steps} ` +
          `elections=${result.elections} commits=${result.commits} acknowledged=${result.acknowledged} ` +
          `digest=${result.digest} ${result.failure ?? "ok"}\n`,
      );
    }
    if (result.failure !== null) {
      failures.push(result);
      report(result);
    }
  }
  process.stdout.write(
    `sim: seeds=${args.seedCount} steps=${steps} elections=${elections} commits=${commits} violations=${failures.length}\n`,
  );
  process.exitCode = exitCodeOf(failures);
}

main();
