/**
 * generational: a copying nursery in front of a mature space (Lieberman and
 * Hewitt 1983; Ungar 1984; Appel 1989; GC Handbook, 2nd ed., chapter 9),
 * composed of three parts chosen once, when the plan is built:
 *   - the nursery (spaces/nursery.ts): eden, and survivor spaces when
 *     promote-age > 1;
 *   - the mature space (--opt mature): a free-list space collected by
 *     mark-sweep, or a compact space collected by sliding compaction;
 *   - the write barrier (--opt barrier): object remembering or card marking.
 *
 * Layout: mature space [heap start, nursery start), nursery [nursery start,
 * heap end), and below both the large-object space. Objects over the
 * `large` threshold go to the large-object space (old from birth: the
 * barrier remembers their young references like a mature object's; majors
 * mark them in place and sweep them), and the heap budget is the nursery +
 * the mature space's footprint + the large objects' pages; other objects
 * larger than a quarter of eden are allocated straight into the mature
 * space (pretenured, as HotSpot and MMTk do). No object over the threshold
 * is ever copied.
 *
 *   minor  - when the mature space can take every young object (HotSpot's
 *            promotion guarantee): copy the survivors the roots and the
 *            barrier's remembered slots lead to out of the nursery;
 *   major  - otherwise: mark the whole heap, then the mature space reclaims
 *            its dead objects and takes in the nursery's survivors (sweep
 *            then evacuate, or one compaction over both).
 */
import type { Region } from "../../heap/heap.js";
import { objectBytes } from "../../heap/object-model.js";
import type { WorkCounters } from "../../metrics/collection-log.js";
import { CardTable } from "../barriers/card-table.js";
import type { RememberingBarrier } from "../barriers/barrier.js";
import { ObjectRememberedSet } from "../barriers/object-remset.js";
import { BaseCollector, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { choice, heapShare, integer, largeObjectOptions, type ParsedOptions } from "../options.js";
import { CompactSpace } from "../spaces/compact-space.js";
import { FreeListSpace } from "../spaces/free-list-space.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import type { MatureSpace } from "../spaces/mature.js";
import { CopyNursery } from "../spaces/nursery.js";
import { Marker } from "../trace/marker.js";

export const generationalOptions = {
  nursery: heapShare("25%", "nursery size: bytes (4MiB) or a share of the heap (25%)"),
  mature: choice(["mark-sweep", "mark-compact"], "mark-sweep", "how major collections collect the mature space"),
  barrier: choice(["remset", "cards"], "remset", "remember old-to-young stores by object (remset) or by 512-byte card"),
  "promote-age": integer(1, 15, 1, "minor collections an object survives before promotion; above 1, survivor spaces are used"),
  "eden-initial": {
    description: "eden's capacity at the start, doubled up to all of eden whenever more bytes have survived since it last grew than it holds (V8's new-space growth); full: all of eden from the start",
    default: "full",
    parse(value: string, heapBytes: number): number {
      if (value === "full") return 0;
      try {
        return heapShare("full", "").parse(value, heapBytes);
      } catch (e) {
        throw new Error(`${(e as Error).message}, or full`);
      }
    },
  },
  ...largeObjectOptions,
};
type Options = ParsedOptions<typeof generationalOptions>;
/**
 * Builds a plan's mature space in [heap start, end), and says whether its span
 * can be lowered by the large-object space's pages (the heap is one budget).
 */
export interface MatureSpaceFactory {
  create(context: CollectorContext, end: number, los: LargeObjectSpace): MatureSpace;
  readonly largeObjects: boolean;
}

/** The mature spaces of the `mature` option; both lend the large-object space what they do not use of the budget. */
const matureSpaces: Record<Options["mature"], MatureSpaceFactory> = {
  "mark-sweep": { create: ({ heap }, end, los) => new FreeListSpace(heap, heap.start, end, los), largeObjects: true },
  "mark-compact": {
    create: ({ heap, roots, recorder }, end, los) => new CompactSpace(heap, heap.start, end, roots, recorder.work, los),
    largeObjects: true,
  },
};

/** A barrier covering old objects: the large-object space from `oldStart`, then the mature space [matureStart, end). */
type BarrierFactory = (mem: Int32Array, oldStart: number, matureStart: number, end: number, work: WorkCounters) => RememberingBarrier;
const barriers: Record<Options["barrier"], BarrierFactory> = {
  remset: (mem, _oldStart, _matureStart, _end, work) => new ObjectRememberedSet(mem, work),
  cards: (mem, oldStart, matureStart, end, work) => new CardTable(mem, oldStart, matureStart, end, work),
};

const constraints: CollectorConstraints = { moving: true, storeBarrier: true, rootBarrier: false, reclaims: "all" };

export class GenerationalCollector extends BaseCollector {
  readonly constraints = constraints;
  protected readonly nursery: CopyNursery;
  protected readonly mature: MatureSpace;
  protected readonly barrier: RememberingBarrier;
  protected readonly marker: Marker;
  protected readonly los: LargeObjectSpace;
  /** Everything at or above this address is young. */
  private readonly nurseryStart: number;
  private readonly largeObjectBytes: number;
  /** Bytes allocated straight into the mature space; everything else was allocated in eden. */
  private pretenuredBytes = 0;
  /** The allocation being served when a collection started, and the bytes marked by a major, for out-of-memory messages. */
  private requestSite = -1;
  private requestBytes = 0;
  private markedBytes = 0;
  /** The largest object allocated in eden since the nursery was last empty: what the promotion guarantee must fit. */
  private largestYoungObject = 0;

  /** `makeMature` builds the mature space: a plan's own (gen-immix), else the one the `mature` option names. */
  constructor(
    context: CollectorContext,
    options: Omit<Options, "mature" | "large"> & { mature?: Options["mature"]; large?: number },
    makeMature: MatureSpaceFactory = matureSpaces[options.mature ?? (generationalOptions.mature.default as Options["mature"])],
  ) {
    super(context);
    const { heap } = this;
    const nurseryBytes = Math.min(Math.floor(options.nursery / 8) * 8, Math.floor(heap.heapBytes / 16) * 8);
    this.nurseryStart = heap.end - nurseryBytes;
    this.los = new LargeObjectSpace(heap, this.work, makeMature.largeObjects ? (options.large ?? Infinity) : Infinity);
    this.mature = makeMature.create(context, this.nurseryStart, this.los);
    // The barrier covers everything old: the large-object space and the mature space.
    this.barrier = barriers[options.barrier](this.mem, heap.losStart, heap.start, this.nurseryStart, this.work);
    this.mature.watchCells?.(this.barrier);
    this.nursery = new CopyNursery(
      heap,
      this.nurseryStart,
      heap.end,
      options["promote-age"],
      this.roots,
      this.mature,
      this.barrier,
      this.recorder,
      () => this.outOfMemory(this.requestSite, this.requestBytes, this.markedBytes),
      options["eden-initial"],
    );
    // A quarter of eden as it starts (a growing eden must take any young object from the first allocation). Objects
    // over the large threshold never enter the nursery, so they are never copied: they go to the large-object space;
    // a mature space with a large-object region of its own (Immix) sets its own threshold.
    this.largeObjectBytes = Math.min(
      options.large ?? Infinity,
      this.mature.largeObjectBytes ?? Infinity,
      Math.max(64, (this.nursery.eden.limit - this.nursery.eden.start) >> 2),
    );
    this.marker = new Marker(this.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a: number;
    if (bytes > this.largeObjectBytes) {
      a = this.allocLarge(bytes, site);
    } else {
      a = this.nursery.eden.alloc(bytes);
      if (bytes > this.largestYoungObject) this.largestYoungObject = bytes;
      if (a === 0) {
        this.noteRequest(site, bytes);
        this.collect("allocation-failure");
        a = this.nursery.eden.alloc(bytes);
        if (a === 0) this.outOfMemory(site, bytes);
      }
      this.nursery.objects++;
    }
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  /** An object over the large-object threshold goes to the large-object space; another one over a quarter of eden to the mature space. */
  private allocLarge(bytes: number, site: number): number {
    const large = bytes > this.los.threshold;
    let a = large ? this.allocLargeObject(bytes) : this.allocMature(bytes);
    if (a === 0) {
      this.noteRequest(site, bytes);
      this.collectGarbage("allocation-failure");
      a = large ? this.allocLargeObject(bytes) : this.allocMature(bytes);
      if (a === 0) this.outOfMemory(site, bytes);
    }
    this.pretenuredBytes += bytes;
    return a;
  }

  /** Within the budget: the whole nursery, the mature space's footprint and the large objects' pages. */
  private allocLargeObject(bytes: number): number {
    const a = this.los.allocBeside(bytes, this.mature, this.heap.heapBytes, this.heap.end - this.nurseryStart);
    if (a !== 0) this.barrier.noteCell(a, bytes);
    return a;
  }

  private noteRequest(site: number, bytes: number): void {
    this.work.allocationSlowPaths++;
    this.requestSite = site;
    this.requestBytes = bytes;
  }

  private allocMature(bytes: number): number {
    const a = this.mature.allocMature(bytes);
    if (a !== 0) this.barrier.noteCell(a, bytes);
    return a;
  }

  override writeRef(obj: number, slot: number, value: number): void {
    const s = (obj >> 2) + 2 + 2 * slot;
    this.mem[s] = value;
    this.work.barrierExecutions++;
    if (value >= this.nurseryStart && obj < this.nurseryStart) this.barrier.remember(obj, s);
  }

  /** A minor collection if the mature space can take every young object; otherwise a major one. */
  private collect(reason: string): void {
    if (this.mature.promotionRoom(this.largestYoungObject) >= this.nursery.usedBytes) {
      this.pause("minor", reason, () => {
        this.nursery.evacuate(false);
        return false;
      });
    } else {
      this.collectGarbage(reason === "allocation-failure" ? "promotion-guarantee" : reason);
    }
  }

  collectGarbage(reason: string): void {
    this.pause("major", reason, () => {
      this.markedBytes = this.marker.markFromRoots(this.roots);
      // The mature space takes the small survivors beside the live large objects' pages.
      const liveBytes = this.markedBytes - this.los.markedBytes() + this.los.markedCommittedBytes();
      if (!this.mature.collectWithNursery(this.nursery, this.barrier, this.recorder, liveBytes)) {
        this.outOfMemory(this.requestSite, this.requestBytes, this.markedBytes);
      }
      if (!this.mature.sweepsLargeObjects) this.los.sweep(this.recorder);
      if (this.nursery.usedBytes === 0) this.largestYoungObject = 0;
      return true;
    });
  }

  isYoung(address: number): boolean {
    return address >= this.nurseryStart;
  }

  override fragmentation(): number {
    return this.mature.fragmentation();
  }

  override collectorFigures(): Record<string, number> {
    const { allocatedBytes } = this.recorder;
    const { promotedBytes } = this.nursery;
    return {
      promotedBytes,
      nurserySurvival: allocatedBytes > this.pretenuredBytes ? promotedBytes / (allocatedBytes - this.pretenuredBytes) : 0,
      nurserySize: this.heap.end - this.nurseryStart,
      peakRemembered: this.barrier.peakRemembered,
      ...this.los.figures(),
      ...this.mature.figures?.(),
    };
  }

  /** The mature space's high-water mark plus the whole nursery, which is always committed, plus the large objects' pages. */
  footprint(): number {
    return this.mature.footprint() + (this.heap.end - this.nurseryStart) + this.los.committedBytes;
  }

  parseableRegions(): Region[] {
    return [...this.los.regions(), [this.heap.start, this.mature.parseableTop()], ...this.nursery.regions()];
  }
}

const generational = defineCollector({
  name: "generational",
  description: "copying nursery promoting into a mark-sweep or mark-compact mature space, with a write barrier",
  constraints,
  options: generationalOptions,
  create: (context, options) => new GenerationalCollector(context, options),
});
export default generational;
