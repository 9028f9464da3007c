/**
 * copying: Cheney's semispace collector (Cheney 1970; GC Handbook, 2nd ed.,
 * chapter 4): the heap is two equal semispaces (spaces/semispaces.ts); the
 * mutator bump-allocates in one, and the other is the copy reserve, so only
 * half the heap ever holds objects. A collection copies everything reachable
 * into the reserve, breadth first, and the halves swap roles.
 * Objects over the `large` threshold live in the large-object space
 * (spaces/large-object-space.ts): marked in place, never copied, and swept
 * after the copy; the heap budget is 2 x semispace used + their pages.
 * Trigger: allocation failure.
 */
import { objectBytes } from "../../heap/object-model.js";
import { MainAndLargeObjectPlan, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { DEFAULT_LARGE_OBJECT_OPTIONS, largeObjectOptions, type ParsedOptions } from "../options.js";
import { LargeObjectSpace } from "../spaces/large-object-space.js";
import { SemiSpaces } from "../spaces/semispaces.js";

const constraints: CollectorConstraints = { moving: true, storeBarrier: false, rootBarrier: false, reclaims: "all" };

export class CopyingCollector extends MainAndLargeObjectPlan {
  readonly constraints = constraints;
  protected readonly space: SemiSpaces;
  protected readonly los: LargeObjectSpace;
  private readonly largeThreshold: number;

  constructor(context: CollectorContext, options: ParsedOptions<typeof largeObjectOptions> = DEFAULT_LARGE_OBJECT_OPTIONS) {
    super(context);
    this.los = new LargeObjectSpace(this.heap, this.work, options.large);
    this.largeThreshold = options.large;
    this.space = new SemiSpaces(this.heap, this.recorder, this.los);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    if (bytes > this.largeThreshold) {
      return this.finishAlloc(this.allocLargeAfterFullCollection(bytes, site, this.los, this.space), nslots, payloadBytes, bytes);
    }
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, this.space);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.space.evacuate(this.roots);
      this.los.sweep(this.recorder);
      return true;
    });
  }
}

const copying = defineCollector({
  name: "copying",
  description: "Cheney semispace copying; half the heap is copy reserve",
  constraints,
  options: { ...largeObjectOptions },
  create: (context, options) => new CopyingCollector(context, options),
});
export default copying;
