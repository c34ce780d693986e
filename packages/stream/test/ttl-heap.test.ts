import { describe, expect, it } from "vitest";
import { TtlHeap } from "../src/ttl-heap";
import { SeqList } from "../src/seq-list";

describe("TtlHeap", () => {
  it("pops in deadline order, then sequence order", () => {
    const heap = new TtlHeap();
    const input: [bigint, number][] = [[50n, 1], [10n, 2], [30n, 3], [10n, 4], [20n, 5], [40n, 6]];
    for (const [deadline, seq] of input) heap.push(deadline, seq);
    const out: [bigint, number][] = [];
    while (heap.size > 0) {
      const e = heap.pop();
      out.push([e.deadlineNs, e.seq]);
    }
    expect(out).toEqual([[10n, 2], [10n, 4], [20n, 5], [30n, 3], [40n, 6], [50n, 1]]);
  });

  it("retain drops entries and keeps heap order", () => {
    const heap = new TtlHeap();
    for (let i = 1; i <= 20; i++) heap.push(BigInt(100 - i), i);
    heap.retain((_deadline, seq) => seq % 3 === 0);
    expect(heap.size).toBe(6);
    const seqs: number[] = [];
    while (heap.size > 0) seqs.push(heap.pop().seq);
    expect(seqs).toEqual([18, 15, 12, 9, 6, 3]);
  });
});

describe("SeqList", () => {
  it("appends, shifts, removes from the middle and finds lower bounds", () => {
    const list = new SeqList("s");
    for (let seq = 1; seq <= 200; seq++) list.push(seq * 2);
    for (let i = 0; i < 100; i++) expect(list.shift()).toBe((i + 1) * 2);
    expect(list.size).toBe(100);
    expect(list.first()).toBe(202);
    expect(list.remove(300)).toBe(true);
    expect(list.remove(301)).toBe(false);
    expect(list.lowerBound(299)).toBe(302);
    expect(list.lowerBound(1)).toBe(202);
    expect(list.lowerBound(401)).toBe(0);
    expect(list.last()).toBe(400);
    expect(list.size).toBe(99);
    expect(list.toArray().length).toBe(99);
    expect(() => list.push(5)).toThrow("SeqList.push: 5 not above 400");
  });
});
