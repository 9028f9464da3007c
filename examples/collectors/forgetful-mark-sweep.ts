/**
 * forgetful-mark-sweep: DELIBERATELY BROKEN. A mark-sweep that marks from
 * the stack but forgets the global variables - the classic missing-root
 * bug. Objects reachable only from a global are swept while still in use,
 * and the heap verifier catches the dangling reference at the next
 * collection:
 *
 *   gcsim test-collector examples/collectors/forgetful-mark-sweep.ts   # exits 1, writes a counterexample
 */
import {
  BaseCollector,
  FreeListSpace,
  Marker,
  defineCollector,
  objectModel,
  type CollectorConstraints,
  type CollectorContext,
  type Region,
} from "gcsim";

const constraints: CollectorConstraints = { moving: false, storeBarrier: false, rootBarrier: false, reclaims: "all" };

class ForgetfulMarkSweep extends BaseCollector {
  readonly constraints = constraints;
  private readonly space: FreeListSpace;
  private readonly marker: Marker;

  constructor(context: CollectorContext) {
    super(context);
    this.space = new FreeListSpace(this.mem, this.heap.start, this.heap.end);
    this.marker = new Marker(this.mem, this.work);
  }

  alloc(nslots: number, payloadBytes: number, site: number): number {
    const bytes = objectModel.objectBytes(nslots, payloadBytes);
    let a = this.space.alloc(bytes);
    if (a === 0) a = this.allocAfterFullCollection(bytes, site, (n) => this.space.alloc(n));
    return this.finishAlloc(a, nslots, payloadBytes, bytes);
  }

  collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      // The bug: only the stack is scanned; this.roots.globals is never looked at.
      const { stack } = this.roots;
      for (let i = 0, sp = this.roots.stackTop(); i < sp; i++) if (stack[i] > 0) this.marker.markAndPush(stack[i]);
      this.marker.drain();
      this.space.sweep(this.recorder);
      return true;
    });
  }

  override fragmentation(): number {
    return this.space.fragmentation();
  }

  footprint(): number {
    return this.space.footprint();
  }

  parseableRegions(): Region[] {
    return [this.space.region()];
  }
}

export default defineCollector({
  name: "forgetful-mark-sweep",
  description: "deliberately broken: mark-sweep that never scans the global variables",
  constraints,
  options: {},
  create: (context) => new ForgetfulMarkSweep(context),
});
