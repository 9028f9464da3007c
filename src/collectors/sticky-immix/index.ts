/**
 * sticky-immix: generational collection without a nursery space, by sticky
 * mark bits (Demers et al., POPL 1990; MMTk's StickyImmix plan). Every object lives in the Immix space; an object whose
 * side mark bit is set is old. A nursery collection ("minor") traces from
 * the roots and from the remembered old objects without clearing any mark,
 * so it stops at old objects and marks only new survivors - in place, no
 * copying - which become old; the sweep then reclaims the lines of new
 * objects that died. Old objects that died keep their lines until the next
 * full collection ("major"), which clears the marks, traces everything and
 * may defragment as immix does.
 *
 * Barrier: object remembering (barriers/object-remset.ts). The first store
 * of a reference into an old object since the last collection logs it
 * (LOGGED header bit); a nursery collection scans the logged objects' slots.
 *
 * Trigger: allocation failure runs a nursery collection, or a full one when
 * the last nursery collection left less than `full-below` of the heap free
 * (in usable free lines and free blocks) - MMTk's StickyImmix likewise goes
 * full-heap when a nursery collection did not free enough. A nursery
 * collection after which the request still does not fit is followed at
 * once by a full one.
 */
import { ObjectRememberedSet } from "../barriers/object-remset.js";
import type { CollectorConstraints, CollectorContext } from "../collector.js";
import { defineCollector } from "../collector.js";
import { ImmixCollector, immixOptions } from "../immix/index.js";
import { heapShare, type ParsedOptions } from "../options.js";

const stickyOptions = {
  ...immixOptions,
  "full-below": heapShare("20%", "a nursery collection leaving less than this free (bytes or share of the heap) makes the next collection full"),
};
type Options = ParsedOptions<typeof stickyOptions>;

const constraints: CollectorConstraints = { moving: true, storeBarrier: true, rootBarrier: false, reclaims: "all" };

export class StickyImmixCollector extends ImmixCollector {
  override readonly constraints = constraints;
  protected override readonly fullKind = "major";
  private readonly barrier: ObjectRememberedSet;
  private readonly fullBelow: number;
  private nextFull = false;

  constructor(context: CollectorContext, options: Options) {
    super(context, options);
    this.barrier = new ObjectRememberedSet(this.mem, this.work);
    this.fullBelow = options["full-below"];
  }

  /** Logs an old (marked) object the first time a reference is stored into it. */
  override writeRef(obj: number, slot: number, value: number): void {
    const s = (obj >> 2) + 2 + 2 * slot;
    this.mem[s] = value;
    const g = obj >> 3;
    if (value > 0 && this.marks[g >> 5] & (1 << (g & 31))) {
      this.work.barrierExecutions++;
      this.barrier.remember(obj, s);
    }
  }

  /** Young: not (yet) marked - a nursery collection stops at marked objects. */
  isYoung(address: number): boolean {
    const g = address >> 3;
    return (this.marks[g >> 5] & (1 << (g & 31))) === 0;
  }

  protected override collect(reason: string): boolean {
    if (this.nextFull) {
      this.collectGarbage(reason);
      return true;
    }
    this.pause("minor", reason, () => {
      this.space.prepareCollection(false);
      this.tracer.traceFromRoots(this.roots);
      this.barrier.forwardRemembered(this.tracer);
      this.tracer.drain();
      this.space.sweep(this.recorder, this.marks);
      this.nextFull = this.space.lastFreeBytes < this.fullBelow;
      return false;
    });
    return false;
  }

  protected override fullCollection(): void {
    this.barrier.forgetAll();
    super.fullCollection();
    this.nextFull = false;
  }

  override collectorFigures(): Record<string, number> {
    return { ...super.collectorFigures(), peakRemembered: this.barrier.peakRemembered };
  }
}

const stickyImmix = defineCollector({
  name: "sticky-immix",
  description: "Immix with sticky mark bits: nursery collections mark new objects in place, periodic full collections",
  constraints,
  options: stickyOptions,
  create: (context, options) => new StickyImmixCollector(context, options),
});
export default stickyImmix;
