/**
 * Segregated-fits free-list allocation (GC Handbook, 2nd ed., section 7.4).
 *
 * Free memory is a set of chunks, each formatted in simulated memory (FREE
 * header, size, next pointer), threaded onto one of many lists:
 *   - exact lists, one per 8-byte size from 16 to SMALL_LIMIT bytes;
 *   - power-of-two bins for larger chunks, searched first-fit.
 * A request takes a chunk from its exact list. Failing that it bumps through
 * a "current chunk" (dlmalloc's designated victim): the remainder of the last
 * chunk split, so a freshly swept run of free space is carved in address
 * order at bump-pointer speed. Failing that it takes the first chunk large
 * enough from the lists and makes it the current chunk.
 * Large requests (over SMALL_LIMIT) search the bins first-fit and split.
 * Memory never handed out, plus the free run just below it, is the "top
 * chunk" (dlmalloc's top, Korn and Vo's wilderness): it is on no list and is
 * used only when no listed chunk fits, so the space's footprint grows only
 * when reuse fails. A large-object space sharing the heap budget lowers
 * the space's budget while it holds pages (setBudget): the top then stops
 * short of the space's end, and when it needs more, whole free pages are
 * given back (releaseFreePages) and committed again when the lists run dry.
 *
 * The allocator never zeroes the cells it frees; it zeroes what it hands out,
 * as a real runtime must before the mutator sees an object: a cell from a
 * list when it is taken, the current chunk ahead of its bump pointer, a
 * block (ZERO_AHEAD) at a time, so carving it costs a compare and an add
 * per object (the fast path in `alloc`; everything else is `allocSlow`).
 * Remainders smaller than MIN_LISTED_CHUNK cannot hold a next pointer; they
 * stay formatted as tiny free chunks in the heap (counted as fragmentation)
 * until a sweep coalesces them with a neighbour.
 */
import { GRANULE, MIN_LISTED_CHUNK, writeFreeChunk } from "../heap/object-model.js";

import { DEFAULT_PAGE_BYTES, type PageTracker } from "../heap/pages.js";

const SMALL_LIMIT = 1024;
const EXACT_LISTS = SMALL_LIMIT / GRANULE + 1; // index = size / 8
const FIRST_BIN_LOG2 = 10; // bins hold chunks of [2^k, 2^(k+1)) bytes, k >= 10, for sizes over SMALL_LIMIT
const BIN_COUNT = 31 - FIRST_BIN_LOG2;
/** Bytes of the current chunk zeroed at a time ahead of its bump pointer. */
const ZERO_AHEAD = 2048;

export class SegregatedFitAllocator {
  /** List heads: exact lists first, then bins. 0 ends a list. */
  private readonly heads = new Int32Array(EXACT_LISTS + BIN_COUNT);
  private current = 0;
  private currentEnd = 0;
  /** [current, bumpLimit) is zeroed (current <= bumpLimit <= currentEnd); 0 with no current chunk. */
  private bumpLimit = 0;
  /** True while the current chunk is the top chunk being carved (it goes back to the top, not the lists, when retired). */
  private currentIsTop = false;
  /** The top chunk is [top, ceiling): free, on no list; top never exceeds highWater. */
  private top: number;
  /** One past the last byte the space may hand out. */
  private ceiling: number;
  /** While false (a lazy sweep is pending), requests the lists cannot serve fail rather than take the top. */
  protected topOpen = true;
  /** Bytes the space may commit: its size, less what a large-object space holds of the same budget. */
  private budget: number;
  /** Runs of whole free pages given back to the system (releaseFreePages), in address order; on no list (sweeps step over them). */
  protected readonly releasedStart: number[] = [];
  protected readonly releasedLength: number[] = [];
  private releasedBytes = 0;
  private readonly pageBytes: number;
  /** Bytes in free chunks, the current chunk and the top chunk, excluding unlisted slivers. */
  freeBytes = 0;
  /** Chunks on the lists (the current chunk is not counted). */
  listedChunks = 0;
  /** One past the highest byte ever handed out: the span of the space a real heap would have touched. */
  highWater: number;

  constructor(
    protected readonly mem: Int32Array,
    readonly start: number,
    readonly end: number,
    /** Counts first writes to pages (memory handed out above the high-water mark); optional. */
    private readonly pages?: PageTracker,
  ) {
    this.highWater = start;
    this.top = start;
    this.ceiling = end;
    this.budget = end - start;
    this.pageBytes = pages?.pageBytes ?? DEFAULT_PAGE_BYTES;
    this.reset();
  }

  /** Forgets every free chunk but the top; a sweep then re-adds what it finds below the top. */
  reset(): void {
    if (this.currentIsTop) this.returnCurrentToTop();
    this.heads.fill(0);
    this.current = 0;
    this.currentEnd = 0;
    this.bumpLimit = 0;
    this.freeBytes = this.ceiling - this.top;
    this.listedChunks = 0;
  }

  /** The start of the top chunk: a sweep examines the cells below it. */
  get topStart(): number {
    return this.currentIsTop ? this.current : this.top;
  }

  /** The free run [start, topStart) that a sweep found just below the top joins it. */
  protected growTopDown(start: number): void {
    if (this.currentIsTop) this.returnCurrentToTop();
    this.freeBytes += this.top - start;
    this.top = start;
    // Formatted now, as a sweep formats the runs it lists: whoever walks the space next finds one free cell.
    writeFreeChunk(this.mem, start, this.end - start);
  }

  /** Bytes the space holds committed: what it has touched, less the pages it gave back. */
  get committedBytes(): number {
    return this.highWater - this.start - this.releasedBytes;
  }

  /**
   * Sets the bytes the space may commit (its size, less what a large-object
   * space sharing the heap budget holds). The caller guarantees the space
   * commits no more than that now (committedBytes <= bytes).
   */
  protected setBudget(bytes: number): void {
    this.budget = bytes;
    this.updateCeiling();
  }

  /** The top may grow while committing its pages keeps the space within budget. */
  private updateCeiling(): void {
    const ceiling = Math.min(this.end, this.start + this.budget + this.releasedBytes);
    if (this.currentIsTop) {
      this.currentEnd = this.top = ceiling;
      if (this.bumpLimit > ceiling) this.bumpLimit = ceiling;
    }
    this.freeBytes += ceiling - this.ceiling;
    this.ceiling = ceiling;
  }

  /**
   * Gives back at least `bytes` of committed memory if the free memory
   * allows (MMTk's free-list spaces release free blocks to the page
   * resource; dlmalloc trims its top): first all of the top chunk's whole
   * pages (the high-water mark falls; trimming the top costs nothing to
   * find, so it is not limited to `bytes`), then whole pages from the low end of listed
   * free chunks, largest bins first, no more than needed. A released run
   * leaves the lists; its pages' next write is a first touch again. Nothing
   * is released while a sweep is pending (the caller finishes it first).
   */
  releaseFreePages(bytes: number): void {
    if (!this.topOpen || bytes <= 0) return;
    this.retireCurrent();
    const before = this.committedBytes;
    const pageBytes = this.pageBytes;
    const keep = Math.ceil(this.top / pageBytes) * pageBytes;
    if (keep < this.highWater) {
      this.pages?.release(keep, this.highWater);
      this.highWater = keep;
    }
    const mem = this.mem;
    const taken: number[] = [];
    for (let list = this.heads.length - 1; list >= EXACT_LISTS && before - this.committedBytes < bytes; list--) {
      // Take the whole list off, then put back what is not released (split chunks' ends may land on it again).
      for (let a = this.heads[list]; a !== 0; a = mem[(a >> 2) + 2]) taken.push(a);
      this.heads[list] = 0;
      for (const chunk of taken) {
        const size = mem[(chunk >> 2) + 1];
        this.listedChunks--;
        this.freeBytes -= size;
        const first = Math.ceil(chunk / pageBytes) * pageBytes;
        const wanted = Math.ceil((bytes - (before - this.committedBytes)) / pageBytes) * pageBytes;
        const last = Math.min(Math.floor((chunk + size) / pageBytes) * pageBytes, first + wanted);
        if (last <= first) {
          this.addFree(chunk, size);
          continue;
        }
        if (first > chunk) this.addFree(chunk, first - chunk);
        if (chunk + size > last) this.addFree(last, chunk + size - last);
        writeFreeChunk(mem, first, last - first);
        this.pages?.release(first, last);
        this.insertReleased(first, last - first);
      }
      taken.length = 0;
    }
    this.updateCeiling();
  }

  private insertReleased(at: number, length: number): void {
    let i = this.releasedStart.length;
    while (i > 0 && this.releasedStart[i - 1] > at) i--;
    this.releasedStart.splice(i, 0, at);
    this.releasedLength.splice(i, 0, length);
    this.releasedBytes += length;
  }

  /**
   * Commits released runs again, lowest address first, while the budget
   * allows, until one of at least `bytes` is back on the lists. Their pages
   * are counted as first touches now, when they are committed.
   */
  private recommit(bytes: number): boolean {
    let served = false;
    while (!served && this.releasedStart.length > 0) {
      const room = this.budget - this.committedBytes;
      const length = Math.min(this.releasedLength[0], Math.floor(room / this.pageBytes) * this.pageBytes);
      if (length <= 0) break;
      const at = this.releasedStart[0];
      if (length === this.releasedLength[0]) {
        this.releasedStart.shift();
        this.releasedLength.shift();
      } else {
        this.releasedStart[0] += length;
        this.releasedLength[0] -= length;
        writeFreeChunk(this.mem, at + length, this.releasedLength[0]);
      }
      this.releasedBytes -= length;
      this.pages?.touch(at, at + length);
      this.addFree(at, length);
      served = length >= bytes;
    }
    this.updateCeiling();
    return served;
  }

  private returnCurrentToTop(): void {
    this.top = this.current;
    this.current = this.currentEnd = this.bumpLimit = 0;
    this.currentIsTop = false;
  }

  /** Returns a zeroed cell of exactly `bytes` (a multiple of 8), or 0 when nothing fits. */
  alloc(bytes: number): number {
    if (bytes <= SMALL_LIMIT) {
      // The request's exact list first, then the zeroed part of the current chunk.
      const list = bytes >> 3;
      const a = this.heads[list];
      if (a !== 0) {
        this.heads[list] = this.mem[(a >> 2) + 2];
        this.listedChunks--;
        return this.handOut(a, bytes);
      }
      const c = this.current;
      if (c + bytes <= this.bumpLimit) {
        this.current = c + bytes;
        this.freeBytes -= bytes;
        if (c + bytes > this.highWater) this.raiseHighWater(c + bytes);
        return c;
      }
    }
    return this.allocSlow(bytes);
  }

  /** Everything but the two fast cases: the current chunk past its zeroed part, then the lists and the top. */
  private allocSlow(bytes: number): number {
    const c = this.current;
    if (bytes <= SMALL_LIMIT && c !== 0 && c + bytes <= this.currentEnd) {
      const limit = Math.min(this.currentEnd, c + bytes + ZERO_AHEAD);
      this.mem.fill(0, Math.max(this.bumpLimit, c) >> 2, limit >> 2);
      this.bumpLimit = limit;
      this.current = c + bytes;
      this.freeBytes -= bytes;
      if (c + bytes > this.highWater) this.raiseHighWater(c + bytes);
      return c;
    }
    const a = this.allocFromLists(bytes);
    return a === 0 ? 0 : this.handOut(a, bytes);
  }

  /** Zeroes and counts a cell taken from a list or split off a chunk. */
  private handOut(a: number, bytes: number): number {
    this.freeBytes -= bytes;
    if (a + bytes > this.highWater) this.raiseHighWater(a + bytes);
    const mem = this.mem;
    const from = a >> 2;
    const to = (a + bytes) >> 2;
    if (bytes <= 64) for (let w = from; w < to; w++) mem[w] = 0;
    else mem.fill(0, from, to);
    return a;
  }

  /**
   * Slow path: memory above the old high-water mark is handed out. The space
   * is carved in address order from one initial chunk, so everything below
   * the mark has been written before and what lies between is fresh.
   */
  private raiseHighWater(top: number): void {
    this.pages?.touch(this.highWater, top);
    this.highWater = top;
  }

  /** Returns [a, a+bytes) to the free lists (the caller has coalesced it). */
  addFree(a: number, bytes: number): void {
    writeFreeChunk(this.mem, a, bytes);
    if (bytes < MIN_LISTED_CHUNK) return;
    const list = listFor(bytes);
    this.mem[(a >> 2) + 2] = this.heads[list];
    this.heads[list] = a;
    this.freeBytes += bytes;
    this.listedChunks++;
  }

  /**
   * Formats the unused tail of the current chunk so the heap can be walked
   * linearly (sweep, verifier). Idempotent; allocation may continue after it.
   */
  makeParseable(): void {
    // The top chunk and the memory above the ceiling form one free cell up to the space's end.
    // The header written at the bump pointer is no longer zero: zero ahead from there again.
    this.bumpLimit = this.current;
    if (this.currentIsTop) {
      if (this.current < this.end) writeFreeChunk(this.mem, this.current, this.end - this.current);
      return;
    }
    if (this.current !== 0 && this.current < this.currentEnd) {
      writeFreeChunk(this.mem, this.current, this.currentEnd - this.current);
    }
    if (this.top < this.end) writeFreeChunk(this.mem, this.top, this.end - this.top);
  }

  /**
   * Size of the largest free chunk. Only one list is scanned: the highest
   * non-empty bin (its chunks span one power of two), or, with no bin in use,
   * the highest non-empty exact list, whose chunks all have one size.
   */
  largestFreeChunk(): number {
    let largest = Math.max(this.currentEnd - this.current, this.ceiling - this.top);
    for (let list = this.heads.length - 1; list >= 0; list--) {
      const head = this.heads[list];
      if (head === 0) continue;
      if (list < EXACT_LISTS) return Math.max(largest, list << 3);
      for (let a = head; a !== 0; a = this.mem[(a >> 2) + 2]) {
        const size = this.mem[(a >> 2) + 1];
        if (size > largest) largest = size;
      }
      return largest;
    }
    return largest;
  }

  /**
   * Bytes that requests of at most `largest` bytes each are sure to get: each
   * free chunk (the current and the top chunk too) can leave less than
   * `largest` unused, and no allocation adds a chunk (a split leaves its
   * remainder as the current chunk in place of the one retired).
   */
  guaranteedBytes(largest: number): number {
    return this.freeBytes - (this.listedChunks + (this.currentIsTop ? 1 : 2)) * largest;
  }

  /** Slow path: retire the current chunk, take a fitting chunk from the lists (else the top), split it. */
  private allocFromLists(bytes: number): number {
    this.retireCurrent();
    let chunk = this.takeChunk(bytes);
    let size: number;
    if (chunk !== 0) {
      size = this.mem[(chunk >> 2) + 1];
    } else if (this.topOpen && this.top + bytes <= this.ceiling) {
      chunk = this.top;
      size = this.ceiling - this.top;
      this.top = this.ceiling;
      this.currentIsTop = size > bytes;
    } else if (this.topOpen && this.releasedBytes > 0 && this.recommit(bytes)) {
      return this.allocFromLists(bytes);
    } else {
      return 0;
    }
    if (size > bytes) {
      // The remainder becomes the current chunk, carved by later small requests.
      this.current = this.bumpLimit = chunk + bytes;
      this.currentEnd = chunk + size;
    }
    return chunk;
  }

  private retireCurrent(): void {
    if (this.currentIsTop) {
      this.returnCurrentToTop();
      return;
    }
    const rest = this.currentEnd - this.current;
    const at = this.current;
    this.current = this.currentEnd = this.bumpLimit = 0;
    if (rest > 0) {
      this.freeBytes -= rest; // addFree counts it again if it is listable
      this.addFree(at, rest);
    }
  }

  /** Unlinks and returns a chunk of at least `bytes`, or 0. */
  private takeChunk(bytes: number): number {
    const mem = this.mem;
    const heads = this.heads;
    let list = listFor(bytes);
    if (list >= EXACT_LISTS) {
      // First fit within the request's own bin: its chunks may be smaller than the request.
      let prev = 0;
      for (let a = heads[list]; a !== 0; prev = a, a = mem[(a >> 2) + 2]) {
        if (mem[(a >> 2) + 1] >= bytes) {
          const next = mem[(a >> 2) + 2];
          if (prev === 0) heads[list] = next;
          else mem[(prev >> 2) + 2] = next;
          this.listedChunks--;
          return a;
        }
      }
    }
    // Every chunk on a higher list is large enough: take the head of the first non-empty one.
    for (list++; list < heads.length; list++) {
      const a = heads[list];
      if (a !== 0) {
        heads[list] = mem[(a >> 2) + 2];
        this.listedChunks--;
        return a;
      }
    }
    return 0;
  }
}

function listFor(bytes: number): number {
  if (bytes <= SMALL_LIMIT) return bytes >> 3;
  const log2 = 31 - Math.clz32(bytes);
  return EXACT_LISTS + log2 - FIRST_BIN_LOG2;
}

