/**
 * SeededPrng: a small deterministic generator (splitmix32) for the core and the simulator.
 *
 * The core takes all randomness from `config.prng`; seeding it makes a run replay exactly.
 */
import { assert, fail } from "../assert";
import type { Prng } from "./types";

/** SeededPrng produces the same sequence for the same 32-bit seed. */
export class SeededPrng implements Prng {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) fail(`seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** nextUint32 returns the next 32-bit unsigned value (splitmix32 step). */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** nextInt returns an integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive)) fail(`maxExclusive must be an integer, got ${maxExclusive}`);
    if (maxExclusive <= 0) fail(`maxExclusive must be positive, got ${maxExclusive}`);
    if (maxExclusive > 2 ** 32) fail(`maxExclusive must fit 32 bits, got ${maxExclusive}`);
    const value = Math.floor(this.nextFloat() * maxExclusive);
    assert(value >= 0 && value < maxExclusive, "nextInt out of range");
    return value;
  }

  /** nextFloat returns a number in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }
}
