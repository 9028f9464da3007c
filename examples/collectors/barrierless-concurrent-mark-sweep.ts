/**
 * barrierless-concurrent-mark-sweep: DELIBERATELY BROKEN. The built-in
 * concurrent-mark-sweep with its marking barrier taken out: stores during
 * marking neither grey the reference they overwrite (SATB) nor the one they
 * write (incremental update). The mutator can then move an object from a
 * grey object not yet scanned into a black one, where the marker never looks
 * again; the object stays white and the sweep frees it while it is in use.
 * The heap verifier catches it at the end of the cycle (every reachable
 * object must be marked), or earlier as a broken tri-colour invariant:
 *
 *   gcsim run tests/fixtures/hidden-object.json -c examples/collectors/barrierless-concurrent-mark-sweep.ts --verify   # exits 4
 */
import { CollectorThread, MarkingCycleCollector, concurrentMarkSweep, defineCollector } from "gcsim";

class BarrierlessConcurrentMarkSweep extends MarkingCycleCollector {
  override writeRef(obj: number, slot: number, value: number): void {
    // The bug: the store alone, with no barrier (marking still advances at allocations).
    this.mem[(obj >> 2) + 2 + 2 * slot] = value;
  }
}

export default defineCollector({
  ...concurrentMarkSweep,
  name: "barrierless-concurrent-mark-sweep",
  description: "deliberately broken: concurrent mark-sweep whose stores skip the marking barrier",
  create: (context, options) =>
    new BarrierlessConcurrentMarkSweep(context, { ...options, assists: options.assists === "on" }, new CollectorThread(options.cpu), "ns"),
});
