/**
 * The Immix space and the mark-region plans: line marking with implicit
 * marks, holes, overflow allocation, the defragmentation histogram and
 * evacuation, sticky marks, on heaps laid out by hand (expected figures
 * derived from the layouts in the comments), and the acceptance relations
 * on the shipped fragmentation workload.
 */
import { describe, expect, it } from "vitest";
import type { RememberingBarrier } from "../src/collectors/barriers/barrier.js";
import { ObjectRememberedSet } from "../src/collectors/barriers/object-remset.js";
import { BLOCK_FREE, BLOCK_IN_USE, BLOCK_RECYCLABLE, ImmixSpace } from "../src/collectors/spaces/immix-space.js";
import { ImmixTracer } from "../src/collectors/trace/immix-tracer.js";
import { markBitmapFor } from "../src/collectors/trace/marker.js";
import { Heap, Roots } from "../src/heap/heap.js";
import { FREE_BIT, cellBytes } from "../src/heap/object-model.js";
import { WorkCounters } from "../src/metrics/collection-log.js";
import type { Recorder } from "../src/metrics/recorder.js";
import { runWorkload } from "../src/sim/run.js";
import { loadWorkload } from "../src/workload/load.js";

const LINE = 256;
const BLOCK = 2048; // 8 lines; a quarter block (512 B) is the large-object threshold

/** A space of 8 blocks (the fewest it is built with before it shrinks its blocks). */
function setup(reserveShare = 0) {
  const heap = new Heap(8 * BLOCK);
  const work = new WorkCounters();
  const space = new ImmixSpace(heap, heap.start, heap.end, LINE, BLOCK, work, reserveShare);
  const marks = markBitmapFor(heap.mem);
  const freed = { objects: 0, bytes: 0 };
  const recorder = {
    work,
    freed(objects: number, bytes: number) {
      freed.objects += objects;
      freed.bytes += bytes;
    },
  } as unknown as Recorder;
  const mem = heap.mem;
  /** Allocates an object of `bytes` (header included) with `slots` reference slots. */
  const alloc = (bytes: number, slots = 0) => {
    const a = space.alloc(bytes);
    expect(a).not.toBe(0);
    mem[a >> 2] = slots;
    mem[(a >> 2) + 1] = bytes - 8 - 8 * slots;
    return a;
  };
  const mark = (a: number) => {
    const g = a >> 3;
    marks[g >> 5] |= 1 << (g & 31);
  };
  const at = (block: number, offset: number) => heap.start + block * BLOCK + offset;
  return { heap, mem, space, marks, recorder, freed, alloc, mark, at, work };
}

/** Walks [start, end) cell by cell: live objects' addresses, and whether every cell parsed. */
function walk(mem: Int32Array, start: number, end: number): { objects: number[]; chunkStarts: Set<number> } {
  const objects: number[] = [];
  const chunkStarts = new Set<number>();
  for (let a = start; a < end; a += cellBytes(mem, a)) {
    if (mem[a >> 2] & FREE_BIT) chunkStarts.add(a);
    else objects.push(a);
  }
  return { objects, chunkStarts };
}

describe("Immix space", () => {
  /*
   * Block 0 (lines 0-7): live 64 B at offset 0 (line 0), dead 448 B, live 240 B at 512
   * (line 2, small: marks only line 2), dead 272 B, then four dead 256 B objects.
   *   marked {0, 2}; implicitly marked {1, 3}; usable 4-7: one hole of 4 lines.
   * Block 1: dead 200 B, live 400 B at 200 (medium: lines 0-2 all marked), dead 448, 504, 496 B.
   *   marked {0, 1, 2}; implicit {3}; usable 4-7: one hole of 4 lines.
   * Block 2: eight dead 256 B objects: free. Blocks 3-7: never used: free.
   */
  it("marks lines conservatively with implicit marks, finds holes, frees empty blocks and measures fragmentation", () => {
    const s = setup();
    const o1 = s.alloc(64);
    s.alloc(448);
    const o3 = s.alloc(240);
    s.alloc(272);
    for (let i = 0; i < 4; i++) s.alloc(256);
    s.alloc(200);
    const o7 = s.alloc(400);
    for (const bytes of [448, 504, 496]) s.alloc(bytes);
    for (let i = 0; i < 8; i++) s.alloc(256);
    expect([o1, o3, o7]).toEqual([s.at(0, 0), s.at(0, 512), s.at(1, 200)]);
    [o1, o3, o7].forEach(s.mark);

    s.space.prepareCollection(false);
    s.space.sweep(s.recorder, s.marks);

    // 18 dead objects: 448 + 272 + 4*256 + 200 + 448 + 504 + 496 + 8*256 bytes.
    expect(s.freed).toEqual({ objects: 6 + 4 + 8, bytes: 448 + 272 + 1024 + 200 + 448 + 504 + 496 + 2048 });
    expect(Array.from(s.space.lineMarks.slice(0, 16))).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(s.space.blockState)).toEqual([BLOCK_RECYCLABLE, BLOCK_RECYCLABLE, ...Array(6).fill(BLOCK_FREE)]);
    const { stats } = s.space;
    expect([stats.blocksRecycled, stats.linesRecycled, stats.holes, stats.blocksFreed]).toEqual([2, 8, 2, 1]);
    // Usable free lines: 4 + 4 + 6 * 8 = 56; the largest run is block 1's lines 4-7 plus blocks 2-7: 52.
    expect(s.space.fragmentation()).toBeCloseTo(1 - 52 / 56, 12);
    expect(s.space.lastFreeBytes).toBe(56 * LINE);

    // The heap parses into the three live objects and free chunks, with a chunk starting at every hole.
    const { objects, chunkStarts } = walk(s.mem, s.space.start, s.space.end);
    expect(objects).toEqual([o1, o3, o7]);
    for (const hole of [s.at(0, 4 * LINE), s.at(1, 4 * LINE), s.at(2, 0), s.at(3, 0)]) expect(chunkStarts.has(hole)).toBe(true);
  });

  it("allocates into holes past the implicitly marked line, and sends a medium object that misses the hole to an overflow block", () => {
    const s = setup();
    const o1 = s.alloc(64);
    s.alloc(448);
    const o3 = s.alloc(240);
    for (let i = 0; i < 10; i++) s.alloc(128); // the rest of block 0 (1296 B), all dead
    s.alloc(16);
    s.mark(o1);
    s.mark(o3);
    s.space.prepareCollection(false);
    s.space.sweep(s.recorder, s.marks);
    // Block 0's hole is lines 4-7 (lines 1 and 3 are implicitly marked); blocks 1-3 are free.
    const hole = s.at(0, 4 * LINE);
    expect(s.alloc(64)).toBe(hole);
    expect(s.alloc(300)).toBe(hole + 64); // medium, but fits the current hole
    expect(s.alloc(400)).toBe(hole + 364); // 660 B left: fits
    expect(s.alloc(296)).toBe(s.at(1, 0)); // 260 B left: a medium object goes to an overflow block (the first free block)
    expect(s.alloc(200)).toBe(hole + 764); // a small one still fills the hole
    // The hole is zeroed when taken: the new objects' payloads read as zero.
    expect(s.mem[(hole + 64 + 8) >> 2]).toBe(0);
  });

  it("tells a watching barrier of the free chunk a bump region leaves, where the sweep's per-line chunks were zeroed", () => {
    const s = setup();
    const o1 = s.alloc(64);
    for (let i = 0; i < 15; i++) s.alloc(128);
    s.alloc(64); // block 0 full: 64 + 15 * 128 + 64 = 2048 B
    s.mark(o1);
    s.space.prepareCollection(false);
    s.space.sweep(s.recorder, s.marks);
    // Line 0 marked, line 1 implicitly: the hole is lines 2-7, [512, 2048) of block 0.
    const noted: [number, number][] = [];
    s.space.watchCells({ noteCell: (a: number, bytes: number) => noted.push([a, bytes]) } as unknown as RememberingBarrier);
    const hole = s.at(0, 2 * LINE);
    expect(s.alloc(64)).toBe(hole); // opens the hole (zeroing it)
    expect(s.alloc(304)).toBe(hole + 64); // medium, fits the current hole: from line 2 into line 3
    expect(noted).toEqual([]);
    s.space.makeParseable();
    // The rest of the hole, [hole + 368, block end), is one free chunk now: a card starting in it must be told so.
    expect(noted).toEqual([[hole + 368, s.at(1, 0) - hole - 368]]);
    const { chunkStarts } = walk(s.mem, s.at(0, 0), s.at(1, 0));
    expect(chunkStarts.has(hole + 368)).toBe(true);
  });

  /*
   * Block 0: live 64 B objects at lines 0, 3 and 6: marked {0, 3, 6}, implicit {1, 4, 7},
   *   usable {2, 5}: two holes, three marked lines.
   * Block 1: live 512 B objects at lines 0-1, 2-3, 4-5: marked 0-5, implicit 6, usable {7}: one hole, six marked lines.
   * Blocks 2-7 free; the reserve is one block (10% of 8, rounded up).
   * Histogram: h=2 -> 3 marked lines, 2 free; h=1 -> 6 marked, 1 free. Available: 8 (reserve) + 3.
   *   h=2: required 3 <= 11 - 2 = 9: candidates so far block 0.
   *   h=1: required 9 > 9 - 1 = 8: stop. Only block 0 is evacuated: first into the hole of
   *   block 1, a recyclable block that is not a candidate (line 7: 256 B, room for all three).
   */
  it("picks defragmentation candidates from the holes histogram and evacuates them into the copy reserve", () => {
    const s = setup(0.1);
    const small: number[] = [];
    for (let line = 0; line < 8; line++) {
      const a = s.alloc(64);
      if (line % 3 === 0) small.push(a);
      s.alloc(LINE - 64);
    }
    const medium = [s.alloc(512), s.alloc(512), s.alloc(512)]; // an overflow block: block 1
    expect(small).toEqual([s.at(0, 0), s.at(0, 3 * LINE), s.at(0, 6 * LINE)]);
    expect(medium[0]).toBe(s.at(1, 0));
    [...small, ...medium].forEach(s.mark);
    s.space.prepareCollection(false);
    s.space.sweep(s.recorder, s.marks);
    s.marks.fill(0);

    const roots = new Roots(0, 6);
    [...small, ...medium].forEach((a, i) => (roots.globals[i] = a));
    s.space.prepareCollection(true);
    expect(s.space.isCandidate(small[0])).toBe(true);
    expect(s.space.isCandidate(medium[0])).toBe(false);
    new ImmixTracer(s.mem, s.space, s.marks, s.work).traceFromRoots(roots);
    s.space.sweep(s.recorder, s.marks);

    // The three small objects now sit in block 1's line 7, in root order.
    const hole = s.at(1, 7 * LINE);
    expect(Array.from(roots.globals.slice(0, 3))).toEqual([hole, hole + 64, hole + 128]);
    expect(Array.from(roots.globals.slice(3))).toEqual(medium);
    const { stats } = s.space;
    expect([stats.blocksDefragmented, stats.objectsEvacuated, stats.bytesEvacuated]).toEqual([1, 3, 192]);
    expect([stats.objectsMarkedInPlace, stats.bytesMarkedInPlace]).toEqual([3, 1536]);
    expect(s.space.blockState[0]).toBe(BLOCK_FREE);
    expect(walk(s.mem, s.space.start, s.space.end).objects).toEqual([...medium, hole, hole + 64, hole + 128]);
    expect(Array.from(s.space.lineMarks.slice(8, 16))).toEqual([1, 1, 1, 1, 1, 1, 0, 1]);
  });

  it("with sticky marks, a trace stops at old objects: a young object reachable only through an old one needs the remembered set", () => {
    const s = setup();
    const old = s.alloc(16, 1);
    const young = s.alloc(16);
    s.mem[(old >> 2) + 2] = young;
    s.mark(old); // survived an earlier collection: old
    const roots = new Roots(0, 1);
    roots.globals[0] = old;
    const tracer = new ImmixTracer(s.mem, s.space, s.marks, s.work);
    const isMarked = (a: number) => (s.marks[a >> 8] >>> ((a >> 3) & 31)) & 1;
    tracer.traceFromRoots(roots);
    expect(isMarked(young)).toBe(0);
    const remset = new ObjectRememberedSet(s.mem, s.work);
    remset.remember(old, 0);
    remset.forwardRemembered(tracer);
    tracer.drain();
    expect(isMarked(young)).toBe(1);
  });

  it("keeps a block with no usable line out of the allocator's way", () => {
    const s = setup();
    const objects = Array.from({ length: 8 }, () => s.alloc(LINE));
    objects.filter((_, i) => i % 2 === 0).forEach(s.mark); // lines 0, 2, 4, 6 marked; 1, 3, 5, 7 implicit
    s.space.prepareCollection(false);
    s.space.sweep(s.recorder, s.marks);
    expect(s.space.blockState[0]).toBe(BLOCK_IN_USE);
    expect(s.alloc(64)).toBe(s.at(1, 0));
  });
});

describe("mark-region plans on the fragmentation workload", () => {
  const workload = loadWorkload("workloads/fragmentation.json");
  const figures = (collector: string, collectorOptions: Record<string, string> = {}) => runWorkload(workload, { collector, collectorOptions });

  it("immix ends less fragmented than eager mark-sweep, and defragmentation lowers it; defrag=off never evacuates", () => {
    const immix = figures("immix");
    const off = figures("immix", { defrag: "off" });
    const markSweep = figures("mark-sweep", { sweep: "eager" });
    expect(immix.memory.fragmentation!).toBeLessThan(markSweep.memory.fragmentation!);
    expect(immix.memory.fragmentation!).toBeLessThan(off.memory.fragmentation!);
    expect(immix.memory.immixObjectsEvacuated).toBeGreaterThan(0);
    expect(off.memory.immixObjectsEvacuated).toBe(0);
    expect(off.memory.immixBlocksDefragmented).toBe(0);
    expect(markSweep.memory.immixLinesRecycled).toBeNull();
  });
});
