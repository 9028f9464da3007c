/**
 * immix: full-heap mark-region collection over the Immix space (Blackburn
 * and McKinley, PLDI 2008): blocks of lines, bump allocation into holes of
 * free lines, conservative line marking and opportunistic evacuation of
 * fragmented blocks (spaces/immix-space.ts; README: The mark-region family).
 *
 *   1. prepare - give up the bump regions; with defrag=on, pick candidate
 *                blocks from the last sweep's holes histogram
 *   2. trace   - ImmixTracer: mark from the roots into a side bitmap,
 *                copying objects out of candidate blocks while the copy
 *                reserve lasts
 *   3. sweep   - lines of marked objects are marked, blocks become free,
 *                recyclable or in use; large objects not marked are freed
 *
 * Trigger: allocation failure. If a collection cannot make room, the
 * allocation may use the copy reserve before the run fails.
 */
import type { Region } from "../../heap/heap.js";
import { objectBytes } from "../../heap/object-model.js";
import { BaseCollector, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { choice, type ParsedOptions } from "../options.js";
import { ImmixSpace, immixGeometryOptions, reserveOption } from "../spaces/immix-space.js";
import { ImmixTracer } from "../trace/immix-tracer.js";
import { markBitmapFor } from "../trace/marker.js";

export const immixOptions = {
  ...immixGeometryOptions,
  defrag: choice(["on", "off"], "on", "opportunistic evacuation of fragmented blocks in full collections"),
  reserve: reserveOption,
};
type Options = ParsedOptions<typeof immixOptions>;

const constraints: CollectorConstraints = { moving: true, storeBarrier: false, rootBarrier: false, reclaims: "all" };

export class ImmixCollector extends BaseCollector {
  readonly constraints: CollectorConstraints = constraints;
  protected readonly space: ImmixSpace;
  protected readonly marks: Uint32Array;
  protected readonly tracer: ImmixTracer;
  protected readonly defrag: boolean;

  constructor(context: CollectorContext, options: Options) {
    super(context);
    this.defrag = options.defrag === "on";
    this.space = new ImmixSpace(this.heap, this.heap.start, this.heap.end, options.line, options.block, this.work, this.defrag ? options.reserve : 0);
    this.marks = markBitmapFor(this.mem);
    this.tracer = new ImmixTracer(this.mem, this.space, this.marks, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterCollection(bytes, site);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  /** Collects (fully, if a partial collection was not enough), retries, then retries with the copy reserve before giving up. */
  protected allocAfterCollection(bytes: number, site: number): number {
    const full = this.collect("allocation-failure");
    let a = this.space.alloc(bytes);
    if (a === 0 && !full) {
      this.collectGarbage("allocation-failure");
      a = this.space.alloc(bytes);
    }
    if (a === 0) {
      this.space.useHeadroom = true;
      a = this.space.alloc(bytes);
    }
    if (a === 0) this.outOfMemory(site, bytes);
    return a;
  }

  /** What an allocation failure runs (here always a full collection); returns whether it was full. */
  protected collect(reason: string): boolean {
    this.collectGarbage(reason);
    return true;
  }

  /** The collection kind a full collection is logged as. */
  protected readonly fullKind: string = "full";

  collectGarbage(reason: string): void {
    this.pause(this.fullKind, reason, () => {
      this.fullCollection();
      return true;
    });
  }

  protected fullCollection(): void {
    this.space.prepareCollection(this.defrag);
    this.marks.fill(0);
    this.tracer.traceFromRoots(this.roots);
    this.space.sweep(this.recorder, this.marks);
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }

  override collectorFigures(): Record<string, number> {
    return this.space.stats.figures();
  }

  footprint(): number {
    return this.space.footprint();
  }

  parseableRegions(): Region[] {
    return this.space.regions();
  }
}

const immix = defineCollector({
  name: "immix",
  description: "mark-region collection over blocks and lines, with opportunistic defragmentation (Immix)",
  constraints,
  options: immixOptions,
  create: (context, options) => new ImmixCollector(context, options),
});
export default immix;
