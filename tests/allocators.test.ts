import { describe, expect, it } from "vitest";
import { BumpAllocator } from "../src/alloc/bump.js";
import { SegregatedFitAllocator } from "../src/alloc/segregated-fit.js";
import { Heap } from "../src/heap/heap.js";
import { IntMap } from "../src/heap/int-map.js";
import { FREE_BIT, cellBytes } from "../src/heap/object-model.js";
import { Rng } from "../src/util/rng.js";

describe("bump allocator", () => {
  it("hands out consecutive addresses and returns 0 when the region is full", () => {
    const bump = new BumpAllocator(8, 8 + 64);
    expect(bump.alloc(32)).toBe(8);
    expect(bump.alloc(24)).toBe(40);
    expect(bump.alloc(16)).toBe(0);
    expect(bump.alloc(8)).toBe(64);
    expect(bump.usedBytes).toBe(64);
  });
});

describe("segregated-fits allocator", () => {
  const setup = (bytes: number) => {
    const heap = new Heap(bytes);
    return { heap, space: new SegregatedFitAllocator(heap.mem, heap.start, heap.end) };
  };

  it("carves a fresh heap in address order and runs out exactly at its size", () => {
    const { heap, space } = setup(1024);
    const addresses = Array.from({ length: 32 }, () => space.alloc(32));
    expect(addresses).toEqual(addresses.map((_, i) => heap.start + 32 * i));
    expect(space.alloc(8)).toBe(0);
    expect(space.freeBytes).toBe(0);
  });

  it("always delivers the bytes it guarantees to requests no larger than the bound it was given", () => {
    const rng = new Rng(7);
    let tested = 0;
    for (let trial = 0; trial < 200; trial++) {
      const { heap, space } = setup(64 << 10);
      // Fragment the space: allocate cells of random sizes, then free a random subset of them.
      const cells: [number, number][] = [];
      for (;;) {
        const bytes = 8 * (2 + rng.below(40));
        const a = space.alloc(bytes);
        if (a === 0) break;
        cells.push([a, bytes]);
      }
      for (const [a, bytes] of cells) if (rng.below(2) === 0) space.addFree(a, bytes);
      const largest = 8 * (2 + rng.below(12));
      const guaranteed = space.guaranteedBytes(largest);
      let delivered = 0;
      while (delivered < guaranteed) {
        const bytes = 8 * (2 + rng.below(largest / 8 - 1));
        if (delivered + bytes > guaranteed) break;
        expect(space.alloc(bytes)).not.toBe(0);
        delivered += bytes;
      }
      if (guaranteed > 4096) tested++;
    }
    expect(tested).toBeGreaterThan(100);
  });

  it("reuses a freed cell of the same size first, and zeroes what it hands out", () => {
    const { heap, space } = setup(4096);
    const a = space.alloc(48);
    space.alloc(48);
    heap.mem.fill(-1, a >> 2, (a + 48) >> 2);
    space.addFree(a, 48);
    expect(space.alloc(48)).toBe(a);
    expect([...heap.mem.subarray(a >> 2, (a + 48) >> 2)].every((w) => w === 0)).toBe(true);
  });

  it("splits large chunks first-fit and fails when no single chunk fits, however much is free", () => {
    const { space } = setup(8192);
    const cells = Array.from({ length: 8 }, () => space.alloc(1024));
    expect(space.alloc(8)).toBe(0);
    // Free every other 1 KiB cell: 4 KiB free in all, but no 2 KiB hole.
    for (let i = 0; i < 8; i += 2) space.addFree(cells[i], 1024);
    expect(space.freeBytes).toBe(4096);
    expect(space.largestFreeChunk()).toBe(1024);
    expect(space.alloc(2048)).toBe(0);
    expect(space.alloc(1008)).toBe(cells[6]);
    expect(space.alloc(16)).toBe(cells[6] + 1008);
  });

  it("keeps the heap parseable: free chunks and slivers are formatted cells", () => {
    const { heap, space } = setup(256);
    const a = space.alloc(40);
    space.alloc(200);
    space.addFree(a, 40);
    space.alloc(32); // leaves an 8-byte sliver that cannot be listed
    space.makeParseable();
    const sizes: number[] = [];
    for (let p = heap.start; p < heap.end; p += cellBytes(heap.mem, p)) sizes.push(cellBytes(heap.mem, p));
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(256);
    expect(heap.mem[(a + 32) >> 2] & FREE_BIT).toBe(FREE_BIT);
  });
});

describe("IntMap", () => {
  it("maps keys to values through growth, like a Map", () => {
    const map = new IntMap(4);
    const reference = new Map<number, number>();
    for (let i = 1; i <= 5000; i++) {
      const key = (i * 7919) % 100_003 + 1;
      map.set(key, i);
      reference.set(key, i);
    }
    expect(map.size).toBe(reference.size);
    for (const [k, v] of reference) expect(map.get(k)).toBe(v);
    expect(map.get(100_005)).toBeUndefined();
    expect(map.has(8)).toBe(reference.has(8));
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get([...reference.keys()][0])).toBeUndefined();
  });
});
