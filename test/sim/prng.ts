/**
 * SimPrng: the simulator's single source of randomness.
 *
 * Every choice the simulator makes (fault rates, schedules, delays, election jitter of each
 * core) is drawn from generators derived from one seed, so a seed replays the run exactly.
 * No Date and no Math.random may appear anywhere under test/sim.
 */
import { SeededPrng } from "./raft";

/** SimPrng is the core's splitmix32 generator with the helpers the simulator needs. */
export class SimPrng extends SeededPrng {
  /** rangeInclusive returns an integer in [min, max]. */
  rangeInclusive(min: number, max: number): number {
    if (max < min) throw new RangeError(`empty range [${min}, ${max}]`);
    return min + this.nextInt(max - min + 1);
  }

  /** chance returns true with the given probability in [0, 1]. */
  chance(probability: number): boolean {
    return this.nextFloat() < probability;
  }

  /** probability draws a rate in [0, max), skewed so that zero and small rates are common. */
  probability(max: number): number {
    const choice = this.nextInt(4);
    if (choice === 0) return 0;
    const uniform = this.nextFloat();
    return choice === 1 ? uniform * uniform * max : uniform * max;
  }

  /** pick returns one element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.nextInt(items.length)];
    if (item === undefined) throw new RangeError("pick from an empty array");
    return item;
  }

  /** shuffle permutes `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }

  /** fork derives an independent generator, so one consumer's draws never shift another's. */
  fork(): SimPrng {
    return new SimPrng(this.nextUint32());
  }
}
