import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { findMinHeap } from "../src/sim/minheap.js";
import type { WorkloadDoc } from "../src/workload/types.js";

/** Keeps `count` 24-byte cells alive in a list, then churns short-lived ones: its live size is count * 24 bytes. */
function keepAlive(count: number): WorkloadDoc {
  return {
    name: "keep-alive",
    types: { Cell: { refs: ["next"], bytes: 8 } },
    globals: ["head:ref"],
    main: {
      locals: ["cell:ref"],
      body: [
        { assign: "head", value: null },
        { repeat: count, do: [{ alloc: "Cell", to: "cell", init: { next: "head" } }, { assign: "head", value: "cell" }] },
        { assign: "cell", value: null },
        { repeat: 5000, do: [{ alloc: "Cell", to: "cell" }] },
      ],
    },
  };
}

describe("minimum heap search", () => {
  const count = 2000;
  const live = count * 24;
  const workload = { doc: keepAlive(count), file: "<keep-alive>" };

  it.each([
    ["mark-compact", 1],
    ["mark-sweep", 1],
    ["copying", 2],
  ])("brackets the live size for %s, which needs %i× the live data", (collector, times) => {
    const r = findMinHeap(workload, { collector: collector as string });
    const needed = live * (times as number);
    expect(r.failedHeapBytes).toBeLessThan(r.minHeapBytes);
    expect(r.minHeapBytes - r.failedHeapBytes).toBeLessThanOrEqual(Math.max(8, Math.ceil(r.minHeapBytes * 0.01)));
    // The heap must hold the live list (plus the one cell being allocated); 1% resolution above that.
    expect(r.minHeapBytes).toBeGreaterThanOrEqual(needed);
    expect(r.minHeapBytes).toBeLessThanOrEqual(Math.ceil((needed + 24 * times) * 1.01) + 8);
  });
});

function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("gcsim minheap and sweep", () => {
  it("minheap --format json gives the verified bracket", () => {
    const r = gcsim("minheap", "workloads/linked-queue.json", "-c", "mark-compact", "--param", "length=500", "--param", "steps=2000", "-f", "json");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ workload: "linked-queue", collector: "mark-compact", params: { length: 500, steps: 2000, payload: 24 } });
    expect(result.failedHeapBytes).toBeLessThan(result.minHeapBytes);
    // 500 queued nodes of 8 + 8 + 24 bytes must fit.
    expect(result.minHeapBytes).toBeGreaterThanOrEqual(500 * 40);
  });

  it("sweep writes a row per collector and factor, with out-of-memory rows where a collector cannot run", () => {
    const out = join(mkdtempSync(join(tmpdir(), "gcsim-")), "sweep.csv");
    const r = gcsim(
      "sweep", "workloads/linked-queue.json", "--param", "length=500", "--param", "steps=2000",
      "--collectors", "mark-sweep,copying", "--factors", "1,1.5,3", "-o", out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reference minimum heap/);
    const rows: Record<string, string>[] = parse(readFileSync(out, "utf8"), { columns: true });
    expect(rows.map((row) => `${row.collector}@${row["sweep.factor"]}`)).toEqual([
      "mark-sweep@1", "mark-sweep@1.5", "mark-sweep@3", "copying@1", "copying@1.5", "copying@3",
    ]);
    // The reference is the smaller minimum heap (mark-sweep's); a semispace collector needs about twice it.
    const reference = Number(rows[0]["sweep.referenceHeapBytes"]);
    expect(Number(rows[0]["sweep.minHeapBytes"])).toBe(reference);
    expect(rows[0].outcome).toBe("completed");
    expect(rows[3].outcome).toBe("out-of-memory");
    expect(rows[5].outcome).toBe("completed");
    expect(Number(rows[5].heapBytes)).toBe(Math.floor((reference * 3) / 8) * 8);
  });
});
