/**
 * copying: Cheney's semispace collector (Cheney 1970; GC Handbook, 2nd ed.,
 * chapter 4): the heap is two equal semispaces (spaces/semispaces.ts); the
 * mutator bump-allocates in one, and the other is the copy reserve, so only
 * half the heap ever holds objects. A collection copies everything reachable
 * into the reserve, breadth first, and the halves swap roles.
 * Trigger: allocation failure.
 */
import type { Region } from "../../heap/heap.js";
import { objectBytes } from "../../heap/object-model.js";
import { BaseCollector, defineCollector, type CollectorConstraints, type CollectorContext } from "../collector.js";
import { SemiSpaces } from "../spaces/semispaces.js";

const constraints: CollectorConstraints = { moving: true, storeBarrier: false, rootBarrier: false, reclaims: "all" };

export class CopyingCollector extends BaseCollector {
  readonly constraints = constraints;
  protected readonly space: SemiSpaces;

  constructor(context: CollectorContext) {
    super(context);
    this.space = new SemiSpaces(this.heap, this.recorder);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, this.space);
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.space.evacuate(this.roots);
      return true;
    });
  }

  footprint(): number {
    return this.space.footprint();
  }

  parseableRegions(): Region[] {
    return [this.space.region()];
  }
}

const copying = defineCollector({
  name: "copying",
  description: "Cheney semispace copying; half the heap is copy reserve",
  constraints,
  options: {},
  create: (context) => new CopyingCollector(context),
});
export default copying;
