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
 * heap end). Objects larger than a quarter of eden are allocated straight
 * into the mature space (pretenured, as HotSpot and MMTk do).
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
import { choice, heapShare, integer, type ParsedOptions } from "../options.js";
import { CompactSpace } from "../spaces/compact-space.js";
import { FreeListSpace } from "../spaces/free-list-space.js";
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
    parse: (value: string, heapBytes: number) => (value === "full" ? 0 : heapShare("full", "").parse(value, heapBytes)),
  },
};
type Options = ParsedOptions<typeof generationalOptions>;
/** Builds a plan's mature space in [heap start, end). */
export type MatureSpaceFactory = (context: CollectorContext, end: number) => MatureSpace;

const matureSpaces: Record<Options["mature"], (context: CollectorContext, end: number) => MatureSpace> = {
  "mark-sweep": ({ heap }, end) => new FreeListSpace(heap, heap.start, end),
  "mark-compact": ({ heap, roots, recorder }, end) => new CompactSpace(heap, heap.start, end, roots, recorder.work),
};

const barriers: Record<Options["barrier"], (mem: Int32Array, start: number, end: number, work: WorkCounters) => RememberingBarrier> = {
  remset: (mem, _start, _end, work) => new ObjectRememberedSet(mem, work),
  cards: (mem, start, end, work) => new CardTable(mem, start, end, work),
};

const constraints: CollectorConstraints = { moving: true, storeBarrier: true, rootBarrier: false, reclaims: "all" };

export class GenerationalCollector extends BaseCollector {
  readonly constraints = constraints;
  protected readonly nursery: CopyNursery;
  protected readonly mature: MatureSpace;
  protected readonly barrier: RememberingBarrier;
  protected readonly marker: Marker;
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
    options: Omit<Options, "mature"> & { mature?: Options["mature"] },
    makeMature: MatureSpaceFactory = matureSpaces[options.mature ?? (generationalOptions.mature.default as Options["mature"])],
  ) {
    super(context);
    const { heap } = this;
    const nurseryBytes = Math.min(Math.floor(options.nursery / 8) * 8, Math.floor(heap.heapBytes / 16) * 8);
    this.nurseryStart = heap.end - nurseryBytes;
    this.mature = makeMature(context, this.nurseryStart);
    this.barrier = barriers[options.barrier](this.mem, heap.start, this.nurseryStart, this.work);
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
    // A quarter of eden as it starts (a growing eden must take any young object from the first allocation),
    // or less if the mature space sends larger objects to a large-object space of its own.
    this.largeObjectBytes = Math.min(this.mature.largeObjectBytes ?? Infinity, Math.max(64, (this.nursery.eden.limit - this.nursery.eden.start) >> 2));
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

  private allocLarge(bytes: number, site: number): number {
    let a = this.allocMature(bytes);
    if (a === 0) {
      this.noteRequest(site, bytes);
      this.collectGarbage("allocation-failure");
      a = this.allocMature(bytes);
      if (a === 0) this.outOfMemory(site, bytes);
    }
    this.pretenuredBytes += bytes;
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
      if (!this.mature.collectWithNursery(this.nursery, this.barrier, this.recorder, this.markedBytes)) {
        this.outOfMemory(this.requestSite, this.requestBytes, this.markedBytes);
      }
      if (this.nursery.usedBytes === 0) this.largestYoungObject = 0;
      return true;
    });
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
      ...this.mature.figures?.(),
    };
  }

  /** The mature space's high-water mark plus the whole nursery, which is always committed. */
  footprint(): number {
    return this.mature.footprint() + (this.heap.end - this.nurseryStart);
  }

  parseableRegions(): Region[] {
    return [[this.heap.start, this.mature.parseableTop()], ...this.nursery.regions()];
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
