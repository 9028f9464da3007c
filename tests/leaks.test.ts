/**
 * Leak accounting on graphs built by hand: which objects are leaked, how many
 * garbage cycles they hold and how many objects lie on or below one follow
 * from the drawings in each test, not from the code.
 */
import { describe, expect, it } from "vitest";
import { Heap, Roots } from "../src/heap/heap.js";
import { writeFreeChunk } from "../src/heap/object-model.js";
import { measureLeaks } from "../src/verify/leaks.js";

/**
 * Objects of two slots and no payload (24 bytes), one every `stride` bytes from the heap's start, free
 * chunks between them and after the last.
 */
function heapOf(edges: [number, number][], objects: number, rootsTo: number[], splitAt?: number, stride = 24) {
  const heap = new Heap(1 << 20, 4096);
  const address = (i: number) => heap.start + stride * i;
  const filled = new Array<number>(objects).fill(0);
  for (let i = 0; i < objects; i++) {
    heap.mem[address(i) >> 2] = 2;
    heap.mem[(address(i) >> 2) + 1] = 0;
    if (stride > 24) writeFreeChunk(heap.mem, address(i) + 24, stride - 24);
  }
  for (const [from, to] of edges) heap.mem[(address(from) >> 2) + 2 + 2 * filled[from]++] = address(to);
  writeFreeChunk(heap.mem, address(objects), heap.end - address(objects));
  const roots = new Roots(4, rootsTo.length);
  rootsTo.forEach((o, i) => (roots.globals[i] = address(o)));
  // Split in two regions, listed highest first: the accounting must not depend on their order.
  const regions: [number, number][] = splitAt === undefined ? [[heap.start, heap.end]] : [[address(splitAt), heap.end], [heap.start, address(splitAt)]];
  return measureLeaks(heap, roots, regions);
}

describe("leak accounting", () => {
  it("counts a diamond of garbage as leaked but acyclic (an object reached twice is no cycle)", () => {
    // 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3; object 4 is rooted and 3 points at it.
    const r = heapOf([[0, 1], [0, 2], [1, 3], [2, 3], [3, 4]], 5, [4]);
    expect(r).toEqual({ objects: 4, bytes: 4 * 24, cycles: 0, fromCycles: 0 });
  });

  it("finds the cycle a back edge closes, and counts what hangs below it", () => {
    // The diamond with 3 -> 0 closes one cycle through all four; 5 hangs below 3; 4 is garbage on its own; 6 is rooted.
    const r = heapOf([[0, 1], [0, 2], [1, 3], [2, 3], [3, 0], [3, 5]], 7, [6]);
    expect(r).toEqual({ objects: 6, bytes: 6 * 24, cycles: 1, fromCycles: 5 });
  });

  it("counts a self-loop as a cycle and leaves garbage that only points at it off the cycle count", () => {
    // 1 -> 1 is a cycle; 0 -> 1 is garbage above it (not reachable from the cycle); 2 is rooted.
    const r = heapOf([[1, 1], [0, 1]], 3, [2]);
    expect(r).toEqual({ objects: 2, bytes: 2 * 24, cycles: 1, fromCycles: 1 });
  });

  it("counts no cycle in garbage whose references go both up and down in memory without closing one", () => {
    // 0 -> 2 goes up, 2 -> 1 goes down, 1 -> 3 up again: a chain, no cycle; 4 is rooted.
    const r = heapOf([[0, 2], [2, 1], [1, 3]], 5, [4]);
    expect(r).toEqual({ objects: 4, bytes: 4 * 24, cycles: 0, fromCycles: 0 });
  });

  it("finds a cycle whatever order the regions are listed in", () => {
    // 1 -> 3 -> 0 -> 1 spans both regions (objects 0-1 and 2-4), 1 KiB apart; 2 hangs below 3; 4 is rooted and refers to nothing.
    const r = heapOf([[1, 3], [3, 0], [0, 1], [3, 2]], 5, [4], 2, 1024);
    expect(r).toEqual({ objects: 4, bytes: 4 * 24, cycles: 1, fromCycles: 4 });
  });

  it("leaks nothing when everything is reachable", () => {
    expect(heapOf([[0, 1], [1, 0]], 2, [0])).toEqual({ objects: 0, bytes: 0, cycles: 0, fromCycles: 0 });
  });
});
