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
 *
 * The allocator never zeroes the cells it frees; it zeroes what it hands out,
 * as a real runtime must before the mutator sees an object.
 * Remainders smaller than MIN_LISTED_CHUNK cannot hold a next pointer; they
 * stay formatted as tiny free chunks in the heap (counted as fragmentation)
 * until a sweep coalesces them with a neighbour.
 */
import { GRANULE, MIN_LISTED_CHUNK, writeFreeChunk } from "../heap/object-model.js";

import type { PageTracker } from "../heap/pages.js";

const SMALL_LIMIT = 1024;
const EXACT_LISTS = SMALL_LIMIT / GRANULE + 1; // index = size / 8
const FIRST_BIN_LOG2 = 10; // bins hold chunks of [2^k, 2^(k+1)) bytes, k >= 10, for sizes over SMALL_LIMIT
const BIN_COUNT = 31 - FIRST_BIN_LOG2;

export class SegregatedFitAllocator {
  /** List heads: exact lists first, then bins. 0 ends a list. */
  private readonly heads = new Int32Array(EXACT_LISTS + BIN_COUNT);
  private current = 0;
  private currentEnd = 0;
  /** Bytes in free chunks and in the current chunk, excluding unlisted slivers. */
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
    this.reset();
    this.addFree(start, end - start);
  }

  /** Forgets every free chunk; a sweep then re-adds what it finds. */
  reset(): void {
    this.heads.fill(0);
    this.current = 0;
    this.currentEnd = 0;
    this.freeBytes = 0;
    this.listedChunks = 0;
  }

  /** Returns a zeroed cell of exactly `bytes` (a multiple of 8), or 0 when nothing fits. */
  alloc(bytes: number): number {
    let a = 0;
    if (bytes <= SMALL_LIMIT) {
      const list = bytes >> 3;
      a = this.heads[list];
      if (a !== 0) {
        this.heads[list] = this.mem[(a >> 2) + 2];
        this.listedChunks--;
      } else if (this.current + bytes <= this.currentEnd && this.current !== 0) {
        a = this.current;
        this.current += bytes;
      } else {
        a = this.allocFromLists(bytes);
        if (a === 0) return 0;
      }
    } else {
      a = this.allocFromLists(bytes);
      if (a === 0) return 0;
    }
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
    if (this.current !== 0 && this.current < this.currentEnd) {
      writeFreeChunk(this.mem, this.current, this.currentEnd - this.current);
    }
  }

  /**
   * Size of the largest free chunk. Only one list is scanned: the highest
   * non-empty bin (its chunks span one power of two), or, with no bin in use,
   * the highest non-empty exact list, whose chunks all have one size.
   */
  largestFreeChunk(): number {
    let largest = this.currentEnd - this.current;
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
   * free chunk (and the current one) can leave less than `largest` unused,
   * and no allocation adds a chunk (a split leaves its remainder as the
   * current chunk in place of the one retired).
   */
  guaranteedBytes(largest: number): number {
    return this.freeBytes - (this.listedChunks + 1) * largest;
  }

  /** Slow path: retire the current chunk, take a fitting chunk from the lists, split it. */
  private allocFromLists(bytes: number): number {
    this.retireCurrent();
    const chunk = this.takeChunk(bytes);
    if (chunk === 0) return 0;
    const size = this.mem[(chunk >> 2) + 1];
    if (size > bytes) {
      // The remainder becomes the current chunk, carved by later small requests.
      this.current = chunk + bytes;
      this.currentEnd = chunk + size;
    }
    return chunk;
  }

  private retireCurrent(): void {
    const rest = this.currentEnd - this.current;
    const at = this.current;
    this.current = this.currentEnd = 0;
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

