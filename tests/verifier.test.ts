import { describe, expect, it } from "vitest";
import type { CollectorContext, CollectorDefinition } from "../src/collectors/collector.js";
import copying, { CopyingCollector } from "../src/collectors/copying/index.js";
import markSweep, { MarkSweepCollector } from "../src/collectors/mark-sweep/index.js";
import { updateRoots } from "../src/heap/heap.js";
import { MARK_BIT, NSLOTS_MASK, cellBytes } from "../src/heap/object-model.js";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";

/**
 * The verifier must catch real collector bugs. Each broken collector below
 * makes one classic mistake; the run must end with a verification error
 * (exit code 4) naming the collection, while the correct collector passes.
 * Each is a built-in collector with one method replaced, as a user would
 * write it.
 */
const workload = loadWorkload("workloads/random-tree.json", { replacements: 600 });

function runBroken(entry: CollectorDefinition) {
  return runWorkload(workload, { collector: entry, verify: true, params: { replacements: 600 }, heapBytes: 40 << 10 });
}

function broken(base: CollectorDefinition, create: (context: CollectorContext) => MarkSweepCollector | CopyingCollector): CollectorDefinition {
  return { ...base, name: `broken-${base.name}`, description: "deliberately broken", create };
}

/** Copying collector that, after evacuating, leaves one stack root pointing at the object's old address. */
class StaleRootCopying extends CopyingCollector {
  override collectGarbage(reason: string): void {
    const stack = this.roots.stack;
    const sp = this.roots.stackTop();
    let slot = -1;
    for (let i = 0; i < sp; i++) if (stack[i] > 0) slot = i;
    const old = slot >= 0 ? stack[slot] : 0;
    this.pause("full", reason, () => {
      this.space.evacuate(this.roots, this.recorder);
      if (slot >= 0) stack[slot] = old;
      return true;
    });
  }
}

/** Copying collector that corrupts a survivor's payload while copying: every address is valid, the contents are not. */
class PayloadMixingCopying extends CopyingCollector {
  override collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.space.evacuate(this.roots, this.recorder);
      const [start, end] = this.parseableRegions()[0];
      const mem = this.mem;
      for (let a = start; a < end; a += cellBytes(mem, a)) {
        const n = mem[a >> 2] & NSLOTS_MASK;
        if (mem[(a >> 2) + 1] >= 4) {
          mem[(a >> 2) + 2 + 2 * n] ^= 0x5a5a;
          break;
        }
      }
      return true;
    });
  }
}

/** Mark-sweep that forgets to trace the last slot of every object, freeing live children. */
class ShallowMarkSweep extends MarkSweepCollector {
  override collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      const mem = this.mem;
      const stack: number[] = [];
      updateRoots(this.roots, (ref) => {
        if ((mem[ref >> 2] & MARK_BIT) === 0) {
          mem[ref >> 2] |= MARK_BIT;
          stack.push(ref);
        }
        return ref;
      });
      while (stack.length > 0) {
        const w = stack.pop()! >> 2;
        const n = mem[w] & NSLOTS_MASK;
        for (let i = 0; i < n - 1; i++) {
          const child = mem[w + 2 + 2 * i];
          if (child > 0 && (mem[child >> 2] & MARK_BIT) === 0) {
            mem[child >> 2] |= MARK_BIT;
            stack.push(child);
          }
        }
      }
      this.space.sweep(this.recorder);
      return true;
    });
  }
}

/** Mark-sweep whose "sweep" clears marks but frees nothing: garbage stays allocated. */
class LeakyMarkSweep extends MarkSweepCollector {
  override collectGarbage(reason: string): void {
    this.pause("full", reason, () => {
      this.marker.markFromRoots(this.roots);
      const mem = this.mem;
      const [start, end] = this.parseableRegions()[0];
      for (let a = start; a < end; a += cellBytes(mem, a)) mem[a >> 2] &= ~MARK_BIT;
      return true;
    });
  }
}

describe("the heap verifier", () => {
  it("passes the correct collectors on the same runs", () => {
    for (const collector of ["mark-sweep", "copying"]) {
      const r = runWorkload(workload, { collector, verify: true, params: { replacements: 600 }, heapBytes: 40 << 10 });
      expect(r.outcome).toBe("completed");
      expect(r.collections.total).toBeGreaterThan(2);
    }
  });

  it.each([
    ["a root left pointing at from-space", broken(copying, (c) => new StaleRootCopying(c)), /not the start of an object/],
    ["payload corrupted while copying", broken(copying, (c) => new PayloadMixingCopying(c)), /graph changed/],
    ["live children freed by incomplete marking", broken(markSweep, (c) => new ShallowMarkSweep(c)), /not the start of an object|graph changed/],
    ["garbage never swept", broken(markSweep, (c) => new LeakyMarkSweep(c)), /unreachable objects still allocated/],
  ])("catches %s", (_bug, broken, message) => {
    const r = runBroken(broken);
    expect(r.outcome).toBe("error");
    expect(r.error?.kind).toBe("verification");
    expect(r.error?.message).toMatch(/after collection \d+/);
    expect(r.error?.message).toMatch(message);
  });
});
