import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseNvpLog, percentile, summarise } from "../calibration/v8-log.mjs";

/**
 * The V8 log parser behind `npm run calibrate` (calibration/compare-v8.mjs),
 * checked against counts taken from the shipped logs by plain regular
 * expressions, independently of the parser. gcsim itself is not run here.
 */
const log = (name: string) => readFileSync(`calibration/v8-gcbench/${name}`, "utf8");

/** Pauses of one GC kind, found with a regex of their own (not the parser's). */
function pausesByRegex(text: string, gc: string): number[] {
  return [...text.matchAll(new RegExp(` ms: pause=([0-9.]+) mutator=[0-9.]+ gc=${gc} `, "g"))].map((m) => Number(m[1]));
}

describe("calibration: V8 --trace-gc-nvp parser", () => {
  for (const name of ["semi_16.log", "semi_1.log"]) {
    it(`${name}: scavenge and mark-compact counts and pause totals agree with an independent count`, () => {
      const text = log(name);
      const events = parseNvpLog(text);
      const scavenges = (text.match(/ gc=s /g) ?? []).length;
      const markCompacts = (text.match(/ gc=mc /g) ?? []).length;
      expect(scavenges).toBeGreaterThan(0);
      expect(events.filter((e) => e.gc === "s")).toHaveLength(scavenges);
      expect(events.filter((e) => e.gc === "mc")).toHaveLength(markCompacts);
      // Every GC line is an event, and nothing else is (the program's output lines are skipped).
      expect(events).toHaveLength((text.match(/ ms: pause=/g) ?? []).length);

      const s = summarise(events.filter((e) => e.gc === "s").map((e) => e.pause));
      const byRegex = pausesByRegex(text, "s");
      expect(s.count).toBe(byRegex.length);
      expect(s.total).toBeCloseTo(byRegex.reduce((a, b) => a + b, 0), 6);
      expect(s.max).toBe(Math.max(...byRegex));
    });
  }

  it("semi_16.log agrees with the shipped summary (gcbench_semispace.jsonl) and reads the per-phase fields", () => {
    const summary = log("gcbench_semispace.jsonl")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as { tag: string; scavenges: number; mark_compacts: number; scavenge_pause_ms: number })
      .find((s) => s.tag === "semi_16")!;
    const events = parseNvpLog(log("semi_16.log"));
    const scavenges = events.filter((e) => e.gc === "s");
    expect(scavenges).toHaveLength(summary.scavenges);
    expect(events.filter((e) => e.gc === "mc")).toHaveLength(summary.mark_compacts);
    expect(summarise(scavenges.map((e) => e.pause)).total).toBeCloseTo(summary.scavenge_pause_ms, 6);
    // The first scavenge of the log, read field by field.
    expect(scavenges[0].pause).toBe(2.1);
    expect(scavenges[0].fields["scavenge.roots"]).toBe(0.1);
    expect(scavenges[0].fields.time_to_safepoint).toBe(0);
    expect(scavenges[0].fields.new_space_survived).toBe(896272);
    expect(scavenges[0].fields.average_survival_ratio).toBe(86.9);
  });

  it("percentiles are nearest rank, as gcsim reports them", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210], 95)).toBe(200);
    const s = summarise([4, 1, 2, 8]);
    expect(s).toMatchObject({ count: 4, p50: 2, p95: 8, max: 8, maxOverP50: 4, p95OverP50: 4, total: 15 });
  });

  it("rejects a GC line without gc= rather than misreading it", () => {
    expect(() => parseNvpLog("[1:0x1]  5 ms: pause=0.3 mutator=1.0 reduce_memory=0\n")).toThrow(/malformed/);
  });
});
