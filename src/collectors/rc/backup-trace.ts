/**
 * rc's backup trace (`--opt cycles=backup-trace`): cycle collection by
 * tracing instead of trial deletion, as RC Immix and LXR do (Shahriyar,
 * Blackburn, Yang, McKinley, "Taking Off the Gloves with Reference
 * Counting Immix", OOPSLA 2013; Zhao, Blackburn, McKinley, "Low-Latency,
 * High-Throughput Garbage Collection", PLDI 2022).
 *
 *   mark   - the shared Marker marks everything reachable from the roots
 *            (stack, globals, the return register among them) into a side
 *            bitmap, so object headers stay untouched
 *   find   - the free-list space and the large-object space list the
 *            objects left unmarked: everything unreachable, which under
 *            reference counting is cyclic garbage and what hangs off it
 *
 * The plan (rc/index.ts) then frees those objects, decrementing the counts
 * of the marked objects they point at, and calls clearMarks. This part owns
 * the marks and the list; it knows nothing of counts.
 *
 * Invariant: outside a backup trace every mark is clear.
 */
import type { Roots } from "../../heap/heap.js";
import { IntStack } from "../../heap/int-stack.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import type { FreeListSpace } from "../spaces/free-list-space.js";
import type { LargeObjectSpace } from "../spaces/large-object-space.js";
import { Marker, markBitmapFor } from "../trace/marker.js";

export class BackupTracer {
  private readonly markBits: Uint32Array;
  private readonly marker: Marker;
  private readonly unreachable = new IntStack();

  constructor(
    mem: Int32Array,
    private readonly work: WorkCounters,
    private readonly space: FreeListSpace,
    private readonly los: LargeObjectSpace,
  ) {
    this.markBits = markBitmapFor(mem);
    this.marker = new Marker(mem, work, this.markBits);
  }

  /**
   * Marks everything reachable from `roots` (counted as any marking is:
   * objectsMarked, slotsScanned, rootsScanned), then lists every unmarked
   * object of both spaces (one cellsSwept per cell or large object
   * examined). The list is valid until the next call; the marks stay until
   * clearMarks, so isMarked can tell survivors from garbage meanwhile.
   */
  findUnreachable(roots: Roots): IntStack {
    this.marker.markFromRoots(roots);
    const unreachable = this.unreachable;
    unreachable.clear();
    this.work.cellsSwept += this.space.collectUnmarked(unreachable, this.markBits) + this.los.collectUnmarked(unreachable, this.markBits);
    return unreachable;
  }

  /** True if the trace in progress reached `ref`. */
  isMarked(ref: number): boolean {
    return this.marker.isMarked(ref);
  }

  /** Ends the trace: every mark is cleared (one bit per 8-byte granule, so 1/64 of the heap's bytes). */
  clearMarks(): void {
    this.markBits.fill(0);
  }
}
