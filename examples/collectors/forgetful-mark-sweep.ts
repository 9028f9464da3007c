/**
 * forgetful-mark-sweep: DELIBERATELY BROKEN. The built-in mark-sweep with one
 * method replaced - the way to try a variation of an existing collector -
 * and the classic missing-root bug in it: marking starts from the stack but
 * forgets the global variables. Objects reachable only from a global are
 * swept while still in use, and the heap verifier catches the dangling
 * reference at the next collection:
 *
 *   gcsim test-collector examples/collectors/forgetful-mark-sweep.ts   # exits 1, writes a counterexample
 */
import { MarkSweepCollector, defineCollector, markSweep } from "gcsim";

class ForgetfulMarkSweep extends MarkSweepCollector {
  override collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      // The bug: only the stack is scanned; this.roots.globals is never looked at.
      const { stack } = this.roots;
      for (let i = 0, sp = this.roots.stackTop(); i < sp; i++) if (stack[i] > 0) this.marker.markAndPush(stack[i]);
      this.marker.drain();
      this.space.sweep(this.recorder);
      return true;
    });
  }
}

export default defineCollector({
  ...markSweep,
  name: "forgetful-mark-sweep",
  description: "deliberately broken: mark-sweep that never scans the global variables",
  create: (context) => new ForgetfulMarkSweep(context),
});
