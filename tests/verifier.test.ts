import { describe, expect, it } from "vitest";
import type { CollectorEntry } from "../src/collectors/registry.js";
import { CopyingCollector } from "../src/collectors/copying/index.js";
import { MarkSweepCollector } from "../src/collectors/mark-sweep/index.js";
import { MARK_BIT, NSLOTS_MASK } from "../src/heap/object-model.js";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";

/**
 * The verifier must catch real collector bugs. Each broken collector below
 * makes one classic mistake; the run must end with a verification error
 * (exit code 4) naming the collection, while the correct collector passes.
 */
const workload = loadWorkload("workloads/random-tree.json", { replacements: 600 });

function runBroken(entry: CollectorEntry) {
  return runWorkload(workload, { collector: entry, verify: true, params: { replacements: 600 }, heapBytes: 40 << 10 });
}

function entry(create: CollectorEntry["create"], base: CollectorEntry["constraints"]): CollectorEntry {
  return { description: "deliberately broken", constraints: base, options: {}, create };
}

/** Copying collector that, after evacuating, leaves one stack root pointing at the object's old address. */
class StaleRootCopying extends CopyingCollector {
  override collectGarbage(reason: string): void {
    const stack = this.roots.stack;
    const sp = this.roots.stackTop();
    let slot = -1;
    for (let i = 0; i < sp; i++) if (stack[i] > 0) slot = i;
    const old = slot >= 0 ? stack[slot] : 0;
    this.recordCollection("full", reason, () => {
      this.evacuate();
      if (slot >= 0) stack[slot] = old;
      return true;
    });
  }
}

/** Copying collector that corrupts a survivor's payload while copying: every address is valid, the contents are not. */
class PayloadMixingCopying extends CopyingCollector {
  override collectGarbage(reason: string): void {
    this.recordCollection("full", reason, () => {
      this.evacuate();
      const [start, end] = this.parseableRegions()[0];
      const mem = this.mem;
      for (let a = start; a < end; ) {
        const n = mem[a >> 2] & NSLOTS_MASK;
        const payload = mem[(a >> 2) + 1];
        if (payload >= 4) {
          mem[(a >> 2) + 2 + 2 * n] ^= 0x5a5a;
          break;
        }
        a += 8 + 8 * n + ((payload + 7) & ~7);
      }
      return true;
    });
  }
}

/** Mark-sweep that forgets to trace the last slot of every object, freeing live children. */
class ShallowMarkSweep extends MarkSweepCollector {
  protected override traceFromMarkStack(): void {
    const mem = this.mem;
    const stack: number[] = [];
    for (let a = this.heap.start; a < this.heap.end; ) {
      // Gather the objects markRoots marked; trace all but their last slot.
      const status = mem[a >> 2];
      if (status & MARK_BIT) stack.push(a);
      const size = status & (1 << 26) ? mem[(a >> 2) + 1] : 8 + 8 * (status & NSLOTS_MASK) + ((mem[(a >> 2) + 1] + 7) & ~7);
      a += size;
    }
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
  }
}

/** Mark-sweep whose sweep clears marks but frees nothing: garbage stays allocated. */
class LeakyMarkSweep extends MarkSweepCollector {
  protected override sweep(): void {
    const mem = this.mem;
    this.parseableRegions();
    for (let a = this.heap.start; a < this.heap.end; ) {
      const status = mem[a >> 2];
      mem[a >> 2] = status & ~MARK_BIT;
      a += status & (1 << 26) ? mem[(a >> 2) + 1] : 8 + 8 * (status & NSLOTS_MASK) + ((mem[(a >> 2) + 1] + 7) & ~7);
    }
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
    ["a root left pointing at from-space", entry((h, r) => new StaleRootCopying(h, r), CopyingCollector.constraints), /not the start of an object/],
    ["payload corrupted while copying", entry((h, r) => new PayloadMixingCopying(h, r), CopyingCollector.constraints), /graph changed/],
    ["live children freed by incomplete marking", entry((h, r) => new ShallowMarkSweep(h, r), MarkSweepCollector.constraints), /not the start of an object|graph changed/],
    ["garbage never swept", entry((h, r) => new LeakyMarkSweep(h, r), MarkSweepCollector.constraints), /unreachable objects still allocated/],
  ])("catches %s", (_bug, broken, message) => {
    const r = runBroken(broken);
    expect(r.outcome).toBe("error");
    expect(r.error?.kind).toBe("verification");
    expect(r.error?.message).toMatch(/after collection \d+/);
    expect(r.error?.message).toMatch(message);
  });
});
