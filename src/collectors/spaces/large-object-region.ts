/**
 * A minimal large-object region for the Immix space: each object larger than
 * the Immix large-object threshold gets a run of whole blocks of its own,
 * taken from and returned to the Immix space's block pool, and is never
 * moved (the treadmill-free version of a large object space, GC Handbook,
 * 2nd ed., §10.1). It stands in for the shared large-object space until that
 * lands: the plans see only `LargeObjects` (alloc, sweep, regions,
 * footprint), so swapping it is a change of constructor.
 *
 * Layout of a run: the object at the run's start, then the rest of its last
 * block formatted as one free chunk, so the run parses cell by cell.
 */
import type { Region } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import { MARK_BIT, cellBytes, writeFreeChunk } from "../../heap/object-model.js";
import type { Recorder } from "../../metrics/recorder.js";

/** What the region needs of whoever owns the blocks. */
export interface BlockPool {
  readonly blockBytes: number;
  /** The address of `blocks` contiguous free blocks, now owned by the caller, or 0. */
  acquireRun(blocks: number): number;
  /** Gives back a run taken by acquireRun. */
  releaseRun(start: number, blocks: number): void;
}

export interface LargeObjects {
  /** Zeroed memory for one large object, or 0. */
  alloc(bytes: number): number;
  /** Frees every unmarked large object (`markBits`: side marks; null: header MARK bits, cleared here). */
  sweep(recorder: Recorder, markBits: Uint32Array | null): void;
  regions(): Region[];
  /** Bytes of the blocks the region holds now. */
  footprint(): number;
}

export class BlockLargeObjects implements LargeObjects {
  private readonly objects = new IntStack();
  private heldBytes = 0;

  constructor(
    private readonly mem: Int32Array,
    private readonly pool: BlockPool,
  ) {}

  private blocksFor(bytes: number): number {
    return Math.ceil(bytes / this.pool.blockBytes);
  }

  alloc(bytes: number): number {
    const blocks = this.blocksFor(bytes);
    const a = this.pool.acquireRun(blocks);
    if (a === 0) return 0;
    const runBytes = blocks * this.pool.blockBytes;
    this.mem.fill(0, a >> 2, (a + bytes) >> 2);
    if (runBytes > bytes) writeFreeChunk(this.mem, a + bytes, runBytes - bytes);
    this.objects.push(a);
    this.heldBytes += runBytes;
    return a;
  }

  sweep(recorder: Recorder, markBits: Uint32Array | null): void {
    const { mem, objects } = this;
    let kept = 0;
    let freedObjects = 0;
    let freedBytes = 0;
    for (let i = 0; i < objects.length; i++) {
      const a = objects.at(i);
      const w = a >> 2;
      let marked: number;
      if (markBits === null) {
        marked = mem[w] & MARK_BIT;
        mem[w] &= ~MARK_BIT;
      } else {
        const g = a >> 3;
        marked = markBits[g >> 5] & (1 << (g & 31));
      }
      if (marked) {
        objects.set(kept++, a);
        continue;
      }
      const bytes = cellBytes(mem, a);
      const blocks = this.blocksFor(bytes);
      freedObjects++;
      freedBytes += bytes;
      this.heldBytes -= blocks * this.pool.blockBytes;
      this.pool.releaseRun(a, blocks);
    }
    objects.length = kept;
    recorder.freed(freedObjects, freedBytes);
    recorder.work.cellsSwept += objects.length + freedObjects;
  }

  regions(): Region[] {
    const out: Region[] = [];
    for (let i = 0; i < this.objects.length; i++) {
      const a = this.objects.at(i);
      out.push([a, a + this.blocksFor(cellBytes(this.mem, a)) * this.pool.blockBytes]);
    }
    return out;
  }

  footprint(): number {
    return this.heldBytes;
  }
}
