/**
 * The Immix space: a mark-region heap of blocks and lines (Blackburn and
 * McKinley, "Immix: A Mark-Region Garbage Collector with Space Efficiency,
 * Fast Collection, and Mutator Performance", PLDI 2008). Shared by the
 * immix, sticky-immix and gen-immix plans; it owns the block and line side
 * tables, the allocator, the sweep that turns line marks into holes, the
 * choice of defragmentation candidates and its measurements.
 *
 *   block (32 KiB)  = lines (256 B)                     . free line  # marked line
 *   +--------------------------------------------------------------------+
 *   |##.....#####...##.......................############..............| recyclable
 *   +--------------------------------------------------------------------+
 *      ^ ^hole^                                   ^ a hole: bump-allocated
 *      implicitly marked: the first free line after a marked one is skipped
 *
 * Allocation bumps through holes (runs of free lines) of recyclable blocks,
 * in address order, then through free blocks. A medium object (more than a
 * line) that does not fit the current hole goes to an overflow block, a
 * free block bumped separately, so it never skips a good small-object hole.
 * Objects larger than `largeObjectBytes` (a quarter block: 8 KiB by default,
 * as in the paper) go to the large-object region, which takes whole free
 * blocks from this space.
 *
 * Line marking is conservative: an object marks every line it spans, except
 * that an object of at most one line marks only its first line (the paper's
 * small-object optimisation) - it may spill into the next line, so the
 * allocator treats the first free line after a marked line as implicitly
 * marked. Lines are marked as the sweep meets each marked object (the
 * simulator walks the cells anyway, see below); the paper marks them while
 * tracing, and the line marks that result are the same.
 *
 * Small heaps: a space smaller than 8 blocks is built with blocks halved
 * until it holds 8 (not below 256 B), and lines of at most a quarter block,
 * so that toy heaps (the property tests' 2-32 KiB) still recycle; the
 * options record what was asked for.
 *
 * Parseability: the verifier walks the space cell by cell, so every gap
 * between live cells is formatted as free chunks split at line boundaries
 * (a hole is then always whole chunks), a free block is one free chunk, and
 * a bump region's unused rest is formatted whenever the space is walked.
 * That cell walk is the simulator's bookkeeping; the sweep is charged per
 * line examined (`cellsSwept` counts lines for this space), the work Immix
 * does reading its line mark table.
 *
 * Defragmentation (opportunistic evacuation): before a full collection,
 * blocks are taken in order of the holes the last sweep found, most first,
 * while the bytes each may hold fit in the room for copies (see
 * chooseCandidates for how this departs from the paper). Live objects in those
 * candidate blocks are copied - into holes of blocks still recyclable, then
 * into reserve blocks - while room lasts, and marked in place once it does
 * not. The reserve is `headroomBlocks` free blocks (`--opt reserve`, 2.5% of
 * the blocks by default, at least one) that the mutator does not allocate
 * into unless a full collection has failed to make room otherwise.
 */
import { InputError } from "../../errors.js";
import type { Heap, Region } from "../../heap/heap.js";
import type { PageTracker } from "../../heap/pages.js";
import { FORWARDED_BIT, FREE_BIT, MARK_BIT, NSLOTS_MASK, objectBytes, writeFreeChunk } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier } from "../barriers/barrier.js";
import { size, type OptionSpec } from "../options.js";
import { BlockLargeObjects, type BlockPool, type LargeObjects } from "./large-object-region.js";
import type { MatureSpace, YoungGeneration } from "./mature.js";

/** Block states (the block side table). */
export const BLOCK_FREE = 0;
/** Has holes the allocator has not taken yet. */
export const BLOCK_RECYCLABLE = 1;
/** Being allocated into, or swept without a usable hole: not available until the next sweep. */
export const BLOCK_IN_USE = 2;
/** Part of a large object's run. */
export const BLOCK_LARGE = 3;

/** The fewest blocks a space is built with, shrinking the block size (not below MIN_BLOCK_BYTES) in smaller heaps. */
const MIN_BLOCKS = 8;
const MIN_BLOCK_BYTES = 256;

/** The options every plan built on the Immix space shares. */
export const immixGeometryOptions = {
  line: size("256", "Immix line size in bytes (a power of two)", { min: 64, max: 8192 }),
  block: size("32KiB", "Immix block size in bytes (a power of two, at least 4 lines)", { min: 1024, max: 1 << 20 }),
};

/** The copy reserve for defragmentation, as a share of the blocks ("2.5%"). */
export const reserveOption: OptionSpec<number> = {
  description: "defragmentation copy reserve: a share of the blocks (e.g. 2.5%) kept free for evacuation",
  default: "2.5%",
  parse(value) {
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
    const p = percent ? Number(percent[1]) : NaN;
    if (!(p > 0 && p <= 50)) throw new Error("expected a percentage above 0 and at most 50, such as 2.5%");
    return p / 100;
  },
};

/** Cumulative figures, reported by the plans as collector figures (README: The mark-region family). */
export class ImmixStats {
  sweeps = 0;
  /** Per sweep: blocks with at least one usable free line left, and those lines. */
  blocksRecycled = 0;
  linesRecycled = 0;
  /** Holes (runs of usable free lines) in recyclable blocks, over all sweeps. */
  holes = 0;
  /** Blocks that held objects before a sweep and none after it. */
  blocksFreed = 0;
  /** Defragmentation candidates chosen. */
  blocksDefragmented = 0;
  objectsEvacuated = 0;
  bytesEvacuated = 0;
  objectsMarkedInPlace = 0;
  bytesMarkedInPlace = 0;
  /** Sum of the fragmentation after each sweep (for the mean). */
  fragmentationSum = 0;

  figures(): Record<string, number> {
    return {
      immixLinesRecycled: this.linesRecycled,
      immixBlocksRecycled: this.blocksRecycled,
      immixBlocksFreed: this.blocksFreed,
      immixHolesPerBlock: this.blocksRecycled > 0 ? this.holes / this.blocksRecycled : 0,
      immixBlocksDefragmented: this.blocksDefragmented,
      immixObjectsEvacuated: this.objectsEvacuated,
      immixBytesEvacuated: this.bytesEvacuated,
      immixObjectsMarkedInPlace: this.objectsMarkedInPlace,
      immixBytesMarkedInPlace: this.bytesMarkedInPlace,
      immixMeanFragmentation: this.sweeps > 0 ? this.fragmentationSum / this.sweeps : 0,
    };
  }
}

export class ImmixSpace implements BlockPool, MatureSpace {
  readonly start: number;
  /** One past the last block. */
  readonly end: number;
  readonly lineBytes: number;
  readonly blockBytes: number;
  readonly linesPerBlock: number;
  readonly blockCount: number;
  /** Objects above this size go to the large-object region. */
  readonly largeObjectBytes: number;
  readonly los: LargeObjects;
  readonly stats = new ImmixStats();
  private readonly lineShift: number;
  private readonly blockShift: number;
  private readonly mem: Int32Array;
  private readonly pages: PageTracker;
  private readonly work: WorkCounters;

  /** Side tables: a state per block, a mark per line, and what the last sweep found per block. */
  readonly blockState: Uint8Array;
  readonly lineMarks: Uint8Array;
  private readonly blockHoles: Uint16Array;
  /** Per block: bytes of the objects the last sweep kept there, and bytes allocated there since (the mutator's bump regions). */
  private readonly blockKeptBytes: Int32Array;
  private readonly blockAllocatedBytes: Int32Array;
  private readonly candidate: Uint8Array;
  private readonly blockFreeLines: Uint16Array;

  /** The hole being bump-allocated, and where it started. */
  private cursor = 0;
  private holeStart = 0;
  private limit = 0;
  /** The recyclable block whose holes are being used, and the line to search on from; -1 when none. */
  private holeBlock = -1;
  private holeLine = 0;
  /** findHole's second result. */
  private foundHoleEnd = 0;
  /** The overflow block for medium objects. */
  private overflowCursor = 0;
  private overflowStart = 0;
  private overflowLimit = 0;
  /** Where evacuated objects are copied, and the reserve blocks the collection may still take. */
  private copyCursor = 0;
  private copyLimit = 0;
  private copyBlocksLeft = 0;
  /** The recyclable, non-candidate block whose holes evacuation fills, its next line, and the block scan. */
  private copyHoleBlock = -1;
  private copyHoleLine = 0;
  private copyScan = 0;
  private recycleScan = 0;
  private freeScan = 0;
  private freeBlocks: number;
  readonly headroomBlocks: number;
  /** The barrier told of the free chunks retire() writes; null outside a generational plan. */
  private cellWatcher: RememberingBarrier | null = null;
  /** Set when a full collection could not make room without the reserve; cleared by the next sweep. */
  useHeadroom = false;
  private highWater: number;
  /** Fragmentation after the last sweep. */
  lastFragmentation = 0;
  /** Bytes in usable free lines and free blocks after the last sweep. */
  lastFreeBytes = 0;

  /** `reserveShare`: the share of the blocks kept back as the copy reserve (0: no defragmentation). */
  constructor(heap: Heap, start: number, end: number, lineBytes: number, blockBytes: number, work: WorkCounters, reserveShare: number) {
    if (blockBytes < 4 * lineBytes) {
      throw new InputError(`--opt block=${blockBytes} must hold at least 4 lines of ${lineBytes} bytes`);
    }
    // A toy heap of fewer than MIN_BLOCKS blocks gets smaller blocks (and lines, down to a quarter block),
    // so that it holds enough blocks to recycle at all.
    while (blockBytes > MIN_BLOCK_BYTES && end - start < MIN_BLOCKS * blockBytes) blockBytes >>= 1;
    if (lineBytes > blockBytes >> 2) lineBytes = blockBytes >> 2;
    this.mem = heap.mem;
    this.pages = heap.pages;
    this.work = work;
    this.start = start;
    this.lineBytes = lineBytes;
    this.blockBytes = blockBytes;
    this.lineShift = 31 - Math.clz32(lineBytes);
    this.blockShift = 31 - Math.clz32(blockBytes);
    this.linesPerBlock = blockBytes / lineBytes;
    this.blockCount = Math.floor((end - start) / blockBytes);
    this.end = start + this.blockCount * blockBytes;
    this.largeObjectBytes = blockBytes >> 2;
    this.blockState = new Uint8Array(this.blockCount);
    this.lineMarks = new Uint8Array(this.blockCount * this.linesPerBlock);
    this.blockHoles = new Uint16Array(this.blockCount);
    this.blockKeptBytes = new Int32Array(this.blockCount);
    this.blockAllocatedBytes = new Int32Array(this.blockCount);
    this.candidate = new Uint8Array(this.blockCount);
    this.blockFreeLines = new Uint16Array(this.blockCount);
    this.freeBlocks = this.blockCount;
    this.headroomBlocks = reserveShare > 0 ? Math.max(1, Math.ceil(this.blockCount * reserveShare)) : 0;
    this.highWater = start;
    for (let b = 0; b < this.blockCount; b++) writeFreeChunk(this.mem, this.blockStart(b), blockBytes);
    this.los = new BlockLargeObjects(this.mem, this);
  }

  blockStart(b: number): number {
    return this.start + (b << this.blockShift);
  }

  // Allocation.

  /** Zeroed memory for `bytes`, or 0 when no hole, free block or large run can take it. */
  alloc(bytes: number): number {
    const a = this.cursor;
    const next = a + bytes;
    if (next <= this.limit && bytes <= this.largeObjectBytes) {
      this.cursor = next;
      return a;
    }
    return this.allocSlow(bytes);
  }

  private allocSlow(bytes: number): number {
    this.work.allocationSlowPaths++;
    if (bytes > this.largeObjectBytes) return this.los.alloc(bytes);
    if (bytes > this.lineBytes) {
      const a = this.overflowCursor;
      if (a + bytes <= this.overflowLimit) {
        this.overflowCursor = a + bytes;
        return a;
      }
      const b = this.takeFreeBlock(false);
      if (b >= 0) {
        this.countRegion(this.overflowStart, this.overflowCursor);
        this.retire(this.overflowCursor, this.overflowLimit);
        const start = this.blockStart(b);
        this.mem.fill(0, start >> 2, (start + this.blockBytes) >> 2);
        this.pages.touch(start, start + this.blockBytes);
        this.overflowStart = start;
        this.overflowCursor = start + bytes;
        this.overflowLimit = start + this.blockBytes;
        return start;
      }
      // No free block for an overflow block: a hole big enough will do.
    }
    while (this.nextHole()) {
      const a = this.cursor;
      if (a + bytes <= this.limit) {
        this.cursor = a + bytes;
        return a;
      }
    }
    return 0;
  }

  /**
   * Formats the unused rest of a bump region as a free chunk, and tells the
   * barrier watching cells (a card table's crossing map, under gen-immix):
   * the hole's per-line chunks the last sweep formatted were zeroed when it
   * opened, so a card starting in this rest must find this chunk.
   */
  private retire(cursor: number, limit: number): void {
    if (limit <= cursor) return;
    writeFreeChunk(this.mem, cursor, limit - cursor);
    this.cellWatcher?.noteCell(cursor, limit - cursor);
  }

  /** Adds what a mutator bump region [start, cursor) allocated to its block's count (a region lies in one block). */
  private countRegion(start: number, cursor: number): void {
    if (start !== 0 && cursor > start) this.blockAllocatedBytes[(start - this.start) >> this.blockShift] += cursor - start;
  }

  /** Reports every free chunk a bump region leaves to `barrier` (a generational plan's, over this mature space). */
  watchCells(barrier: RememberingBarrier): void {
    this.cellWatcher = barrier;
  }

  /** Moves the bump region to the next hole: of the current recyclable block, the next recyclable block, or a free block. */
  private nextHole(): boolean {
    this.countRegion(this.holeStart, this.cursor);
    this.retire(this.cursor, this.limit);
    this.cursor = this.limit = 0;
    for (;;) {
      if (this.holeBlock >= 0) {
        const line = this.findHole(this.holeBlock, this.holeLine);
        this.holeLine = this.foundHoleEnd;
        if (line >= 0) {
          const blockStart = this.blockStart(this.holeBlock);
          this.openHole(blockStart + (line << this.lineShift), blockStart + (this.foundHoleEnd << this.lineShift));
          return true;
        }
      }
      this.holeBlock = -1;
      const states = this.blockState;
      while (this.recycleScan < this.blockCount && states[this.recycleScan] !== BLOCK_RECYCLABLE) this.recycleScan++;
      if (this.recycleScan < this.blockCount) {
        states[this.recycleScan] = BLOCK_IN_USE;
        this.holeBlock = this.recycleScan;
        this.holeLine = 0;
        continue;
      }
      const b = this.takeFreeBlock(false);
      if (b < 0) return false;
      this.openHole(this.blockStart(b), this.blockStart(b) + this.blockBytes);
      return true;
    }
  }

  /**
   * The first line of the next hole in block b at or after `from`, skipping
   * marked lines and the implicitly marked line after each; the hole ends at
   * foundHoleEnd. -1 (and foundHoleEnd the block's line count) if none.
   */
  private findHole(b: number, from: number): number {
    const marks = this.lineMarks;
    const base = b * this.linesPerBlock;
    const lines = this.linesPerBlock;
    let i = from;
    let previousMarked = i > 0 && marks[base + i - 1] !== 0;
    while (i < lines) {
      if (marks[base + i] !== 0) {
        previousMarked = true;
        i++;
      } else if (previousMarked) {
        previousMarked = false;
        i++;
      } else {
        let j = i + 1;
        while (j < lines && marks[base + j] === 0) j++;
        this.foundHoleEnd = j;
        return i;
      }
    }
    this.foundHoleEnd = lines;
    return -1;
  }

  private openHole(start: number, end: number): void {
    this.mem.fill(0, start >> 2, end >> 2);
    this.pages.touch(start, end);
    this.holeStart = start;
    this.cursor = start;
    this.limit = end;
  }

  /** Takes the lowest free block (leaving the copy reserve alone unless `reserve` or useHeadroom); -1 if none. */
  private takeFreeBlock(reserve: boolean): number {
    if (!reserve && !this.useHeadroom && this.freeBlocks <= this.headroomBlocks) return -1;
    const states = this.blockState;
    while (this.freeScan < this.blockCount && states[this.freeScan] !== BLOCK_FREE) this.freeScan++;
    if (this.freeScan >= this.blockCount) return -1;
    const b = this.freeScan;
    this.claimBlocks(b, 1, BLOCK_IN_USE);
    return b;
  }

  private claimBlocks(first: number, count: number, state: number): void {
    for (let b = first; b < first + count; b++) {
      this.blockState[b] = state;
      this.blockHoles[b] = 0;
      this.blockKeptBytes[b] = 0;
      this.blockAllocatedBytes[b] = 0;
      this.blockFreeLines[b] = 0;
    }
    this.freeBlocks -= count;
    const end = this.blockStart(first + count);
    if (end > this.highWater) this.highWater = end;
  }

  /** BlockPool: the lowest run of `blocks` free blocks, for a large object. */
  acquireRun(blocks: number): number {
    if (!this.useHeadroom && this.freeBlocks - blocks < this.headroomBlocks) return 0;
    const states = this.blockState;
    let run = 0;
    for (let b = 0; b < this.blockCount; b++) {
      run = states[b] === BLOCK_FREE ? run + 1 : 0;
      if (run === blocks) {
        const first = b - blocks + 1;
        this.claimBlocks(first, blocks, BLOCK_LARGE);
        const start = this.blockStart(first);
        this.pages.touch(start, start + blocks * this.blockBytes);
        return start;
      }
    }
    return 0;
  }

  releaseRun(start: number, blocks: number): void {
    const first = (start - this.start) >> this.blockShift;
    for (let b = first; b < first + blocks; b++) {
      this.blockState[b] = BLOCK_FREE;
      writeFreeChunk(this.mem, this.blockStart(b), this.blockBytes);
    }
    this.freeBlocks += blocks;
  }

  /** Formats every bump region's unused rest, leaving the allocators where they are. */
  makeParseable(): void {
    this.retire(this.cursor, this.limit);
    this.retire(this.overflowCursor, this.overflowLimit);
    this.retire(this.copyCursor, this.copyLimit);
  }

  regions(): Region[] {
    this.makeParseable();
    return [[this.start, this.end]];
  }

  // Collection.

  /**
   * Before a collection: gives up the bump regions (the sweep rebuilds the
   * holes) and, with `defrag`, picks the candidate blocks and the copy reserve.
   */
  prepareCollection(defrag: boolean): void {
    this.makeParseable();
    this.countRegion(this.holeStart, this.cursor);
    this.countRegion(this.overflowStart, this.overflowCursor);
    this.cursor = this.limit = this.overflowCursor = this.overflowLimit = this.copyCursor = this.copyLimit = 0;
    this.holeStart = this.overflowStart = 0;
    this.holeBlock = -1;
    this.candidate.fill(0);
    this.copyBlocksLeft = 0;
    this.copyHoleBlock = -1;
    this.copyScan = 0;
    if (defrag) this.chooseCandidates();
  }

  /**
   * Defragmentation candidates, in the order of the paper's histogram: the
   * blocks with the most holes (as the last sweep found them) first, each
   * taken if what it may hold still fits the room left for copies - the
   * reserve blocks, less one medium object's worth at the end of each, and
   * the usable free lines of the other recyclable blocks. The paper counts
   * marked lines and takes whole histogram bins; gcsim counts bytes - those
   * the last sweep kept in the block plus those allocated there since, an
   * upper bound on what evacuation copies - and goes block by block, so the
   * chosen candidates almost always empty (a short hole in a recyclable
   * block can still refuse a medium object, which is then marked in place:
   * the slack is reserved only at the end of reserve blocks). A
   * defragmentation that cannot empty its
   * candidates pins what is left in them and uses up the reserve, and with
   * no free block left no later collection can evacuate again (on
   * fragmentation.json the histogram's marked lines did exactly that).
   */
  private chooseCandidates(): void {
    const reserve = Math.min(this.freeBlocks, this.headroomBlocks);
    const states = this.blockState;
    const eligible: number[] = [];
    let available = reserve * (this.blockBytes - this.largeObjectBytes);
    for (let b = 0; b < this.blockCount; b++) {
      if (this.blockHoles[b] === 0 || (states[b] !== BLOCK_RECYCLABLE && states[b] !== BLOCK_IN_USE)) continue;
      eligible.push(b);
      if (states[b] === BLOCK_RECYCLABLE) available += this.blockFreeLines[b] << this.lineShift;
    }
    // Most holes first (the histogram's order), block by block: a small heap has too few blocks per bin to take whole bins.
    eligible.sort((x, y) => this.blockHoles[y] - this.blockHoles[x] || x - y);
    let required = 0;
    let chosen = 0;
    for (const b of eligible) {
      const holds = this.blockKeptBytes[b] + this.blockAllocatedBytes[b];
      // A candidate's own free lines are no destination for copies.
      const room = available - (states[b] === BLOCK_RECYCLABLE ? this.blockFreeLines[b] << this.lineShift : 0);
      if (required + holds > room) continue;
      required += holds;
      available = room;
      this.candidate[b] = 1;
      chosen++;
    }
    this.copyBlocksLeft = reserve;
    this.stats.blocksDefragmented += chosen;
  }


  /** True if `a` lies in a defragmentation candidate block. */
  isCandidate(a: number): boolean {
    return a >= this.start && a < this.end && this.candidate[(a - this.start) >> this.blockShift] === 1;
  }

  /** True if `a` lies in this space's small/medium blocks (not the nursery, not a large object). */
  holdsInBlocks(a: number): boolean {
    return a >= this.start && a < this.end && this.blockState[(a - this.start) >> this.blockShift] !== BLOCK_LARGE;
  }

  /** Memory for an evacuated object, from the copy reserve; 0 once the reserve is used up. */
  allocCopy(bytes: number): number {
    const a = this.copyCursor;
    if (a + bytes <= this.copyLimit) {
      this.copyCursor = a + bytes;
      return a;
    }
    while (this.nextCopyRegion()) {
      const c = this.copyCursor;
      if (c + bytes <= this.copyLimit) {
        this.copyCursor = c + bytes;
        return c;
      }
    }
    return 0;
  }

  /** Moves evacuation to the next hole of a recyclable block that is not a candidate, else to a reserve block. */
  private nextCopyRegion(): boolean {
    this.retire(this.copyCursor, this.copyLimit);
    this.copyCursor = this.copyLimit = 0;
    const states = this.blockState;
    for (;;) {
      if (this.copyHoleBlock >= 0) {
        const line = this.findHole(this.copyHoleBlock, this.copyHoleLine);
        this.copyHoleLine = this.foundHoleEnd;
        if (line >= 0) {
          const blockStart = this.blockStart(this.copyHoleBlock);
          this.copyCursor = blockStart + (line << this.lineShift);
          this.copyLimit = blockStart + (this.foundHoleEnd << this.lineShift);
          this.pages.touch(this.copyCursor, this.copyLimit);
          return true;
        }
        this.copyHoleBlock = -1;
      }
      while (this.copyScan < this.blockCount && (states[this.copyScan] !== BLOCK_RECYCLABLE || this.candidate[this.copyScan] === 1)) this.copyScan++;
      if (this.copyScan >= this.blockCount) break;
      states[this.copyScan] = BLOCK_IN_USE;
      this.copyHoleBlock = this.copyScan;
      this.copyHoleLine = 0;
    }
    if (this.copyBlocksLeft === 0) return false;
    const b = this.takeFreeBlock(true);
    if (b < 0) {
      this.copyBlocksLeft = 0;
      return false;
    }
    this.copyBlocksLeft--;
    const start = this.blockStart(b);
    this.pages.touch(start, start + this.blockBytes);
    this.copyCursor = start;
    this.copyLimit = start + this.blockBytes;
    return true;
  }

  /**
   * Reclaims every unmarked object: marks lines from the marked objects,
   * formats the gaps, frees the large objects that are not marked, sets the
   * block states and counts holes, recycled lines and fragmentation.
   * `markBits` is the side mark bitmap, or null for header MARK bits (then
   * cleared here, and the kept objects counted as marked in place: an outside
   * marker marked them).
   */
  sweep(recorder: Recorder, markBits: Uint32Array | null): void {
    this.makeParseable();
    this.copyCursor = this.copyLimit = 0;
    this.copyBlocksLeft = 0;
    const states = this.blockState;
    for (let b = 0; b < this.blockCount; b++) {
      if (states[b] === BLOCK_RECYCLABLE || states[b] === BLOCK_IN_USE) this.sweepBlock(b, markBits, recorder);
    }
    this.los.sweep(recorder, markBits);
    this.recountBlocks();
    this.candidate.fill(0);
    this.recycleScan = this.freeScan = 0;
    this.useHeadroom = false;
  }

  private sweepBlock(b: number, markBits: Uint32Array | null, recorder: Recorder): void {
    const mem = this.mem;
    const marks = this.lineMarks;
    const { start, lineShift, lineBytes } = this;
    const headerMarks = markBits === null;
    marks.fill(0, b * this.linesPerBlock, (b + 1) * this.linesPerBlock);
    const end = this.blockStart(b + 1);
    let gap = -1;
    let freedObjects = 0;
    let freedBytes = 0;
    let keptObjects = 0;
    let keptBytes = 0;
    for (let a = this.blockStart(b); a < end; ) {
      const w = a >> 2;
      const status = mem[w];
      let size: number;
      let live = 0;
      if (status & FREE_BIT) {
        size = mem[w + 1];
      } else if (status & FORWARDED_BIT) {
        // An evacuated object: its copy knows its size.
        const to = mem[w + 1] >> 2;
        size = objectBytes(mem[to] & NSLOTS_MASK, mem[to + 1]);
      } else {
        size = objectBytes(status & NSLOTS_MASK, mem[w + 1]);
        if (headerMarks) {
          live = status & MARK_BIT;
          if (live) mem[w] = status & ~MARK_BIT;
        } else {
          const g = a >> 3;
          live = markBits[g >> 5] & (1 << (g & 31));
        }
        if (!live) {
          freedObjects++;
          freedBytes += size;
        }
      }
      if (live) {
        if (gap >= 0) this.formatGap(gap, a);
        gap = -1;
        const first = (a - start) >> lineShift;
        const last = size <= lineBytes ? first : (a + size - 1 - start) >> lineShift;
        for (let l = first; l <= last; l++) marks[l] = 1;
        keptObjects++;
        keptBytes += size;
      } else if (gap < 0) {
        gap = a;
      }
      a += size;
    }
    if (gap >= 0) this.formatGap(gap, end);
    this.blockKeptBytes[b] = keptBytes;
    this.blockAllocatedBytes[b] = 0;
    recorder.freed(freedObjects, freedBytes);
    this.work.cellsSwept += this.linesPerBlock;
    if (headerMarks) {
      this.stats.objectsMarkedInPlace += keptObjects;
      this.stats.bytesMarkedInPlace += keptBytes;
    }
  }

  /** Formats [from, to) as free chunks that end at every line boundary, so any hole is whole chunks. */
  private formatGap(from: number, to: number): void {
    const { start, lineBytes } = this;
    for (let a = from; a < to; ) {
      let next = ((a - start) & ~(lineBytes - 1)) + lineBytes + start;
      if (next > to) next = to;
      writeFreeChunk(this.mem, a, next - a);
      a = next;
    }
  }

  /**
   * Sets each swept block's state from its line marks (free, recyclable or
   * in use), records holes and marked lines for the next defragmentation,
   * and measures recycling and fragmentation (free bytes outside the largest
   * run of usable free lines, as a share of the free bytes).
   */
  private recountBlocks(): void {
    const marks = this.lineMarks;
    const states = this.blockState;
    const lines = this.linesPerBlock;
    const stats = this.stats;
    let freeBlocks = 0;
    let usableLines = 0;
    let run = 0;
    let largestRun = 0;
    for (let b = 0; b < this.blockCount; b++) {
      const state = states[b];
      if (state === BLOCK_LARGE) {
        if (run > largestRun) largestRun = run;
        run = 0;
        continue;
      }
      if (state === BLOCK_FREE) {
        freeBlocks++;
        run += lines;
        continue;
      }
      const base = b * lines;
      let marked = 0;
      let usable = 0;
      let holes = 0;
      let previousMarked = false;
      let inHole = false;
      for (let i = 0; i < lines; i++) {
        if (marks[base + i] !== 0 || previousMarked) {
          previousMarked = marks[base + i] !== 0;
          if (previousMarked) marked++;
          inHole = false;
          if (run > largestRun) largestRun = run;
          run = 0;
        } else {
          usable++;
          run++;
          if (!inHole) holes++;
          inHole = true;
        }
      }
      this.blockHoles[b] = holes;
      this.blockFreeLines[b] = usable;
      if (marked === 0) {
        states[b] = BLOCK_FREE;
        writeFreeChunk(this.mem, this.blockStart(b), this.blockBytes);
        freeBlocks++;
        stats.blocksFreed++;
      } else if (usable > 0) {
        states[b] = BLOCK_RECYCLABLE;
        usableLines += usable;
        stats.blocksRecycled++;
        stats.linesRecycled += usable;
        stats.holes += holes;
      } else {
        states[b] = BLOCK_IN_USE;
      }
    }
    if (run > largestRun) largestRun = run;
    this.freeBlocks = freeBlocks;
    const freeLines = usableLines + freeBlocks * lines;
    this.lastFreeBytes = freeLines * this.lineBytes;
    this.lastFragmentation = freeLines > 0 ? 1 - largestRun / freeLines : 0;
    stats.sweeps++;
    stats.fragmentationSum += this.lastFragmentation;
  }

  fragmentation(): number {
    return this.lastFragmentation;
  }

  /** The blocks ever handed out: what a real heap would have touched. */
  footprint(): number {
    return this.highWater - this.start;
  }

  // As a generational mature space (gen-immix).

  allocMature(bytes: number): number {
    return this.alloc(bytes);
  }

  /**
   * Bytes promotion can count on for objects of at most `largestYoungObject`
   * bytes: each free block loses at most one object's bytes at its end, and
   * so does each hole - holes count only when no young object is medium,
   * since a medium object that misses the current hole takes a free block.
   */
  promotionRoom(largestYoungObject: number): number {
    const largest = Math.max(largestYoungObject, 16);
    if (largest > this.largeObjectBytes) return 0;
    const usableFree = this.useHeadroom ? this.freeBlocks : Math.max(0, this.freeBlocks - this.headroomBlocks);
    let room = usableFree * (this.blockBytes - largest);
    if (largest <= this.lineBytes) {
      room += Math.max(0, this.limit - this.cursor - largest);
      const marks = this.lineMarks;
      const lines = this.linesPerBlock;
      for (let b = 0; b < this.blockCount; b++) {
        if (this.blockState[b] !== BLOCK_RECYCLABLE) continue;
        let previousMarked = false;
        let hole = 0;
        for (let i = 0; i <= lines; i++) {
          if (i < lines && marks[b * lines + i] === 0 && !previousMarked) {
            hole++;
            continue;
          }
          if (hole > 0) room += Math.max(0, (hole << this.lineShift) - largest);
          hole = 0;
          previousMarked = i < lines && marks[b * lines + i] !== 0;
        }
      }
    }
    return room;
  }

  figures(): Record<string, number> {
    return this.stats.figures();
  }

  parseableTop(): number {
    this.makeParseable();
    return this.end;
  }

  /**
   * A major collection with everything reachable marked (header marks):
   * forget dead remembered objects, sweep, then take in the nursery's
   * survivors.
   */
  collectWithNursery(young: YoungGeneration, barrier: RememberingBarrier, recorder: Recorder, liveBytes: number): boolean {
    if (liveBytes > this.end - this.start) return false;
    this.prepareCollection(false);
    barrier.forgetUnmarked();
    this.sweep(recorder, null);
    barrier.cellsChanged(this.start, this.end);
    young.evacuate(true);
    return true;
  }
}
