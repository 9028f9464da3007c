import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { renderHtmlReport } from "../src/report/html.js";
import { reporters } from "../src/report/index.js";
import { formatPercent } from "../src/report/format.js";
import { withOverheadVsNone } from "../src/report/overhead.js";
import { COLLECTION_KINDS, COLLECTIONS_PROPER, IS_COLLECTION, PAUSE_FLOOR_NS, labelOf, type RunResult } from "../src/report/result.js";
import { SUMMARY_MMU_WINDOW, summaryLines } from "../src/report/summary.js";
import { shapeFigures, type RawFigures } from "../src/sim/measure.js";
import { runWorkload } from "../src/sim/run.js";
import { WorkCounters } from "../src/metrics/collection-log.js";
import { loadWorkload } from "../src/workload/load.js";
import { RECLAIMING_COLLECTORS } from "./helpers.js";

/** The run a summary line names first ("name: ..."), and the rest of the line. */
function lineStartingWith(lines: string[], pattern: RegExp): { winner: string; line: string } {
  const line = lines.find((l) => pattern.test(l));
  expect(line, `a summary line matching ${pattern} in\n${lines.join("\n")}`).toBeDefined();
  return { winner: line!.slice(0, line!.indexOf(": ")), line: line! };
}

const argmin = (runs: RunResult[], value: (r: RunResult) => number) => runs.reduce((a, b) => (value(b) < value(a) ? b : a));

describe("the comparison summary on GCBench at full size", () => {
  // GCBench as shipped (heap 64 MiB) under every reclaiming collector, and none in a heap that holds everything it allocates.
  const workload = loadWorkload("workloads/gcbench.json");
  const runs = RECLAIMING_COLLECTORS.map((collector) => runWorkload(workload, { collector }));
  const none = runWorkload(workload, { collector: "none", heapBytes: 512 << 20 });
  const results = withOverheadVsNone([...runs, none]);
  const compared = results.filter((r) => r.collector !== "none");
  const lines = summaryLines(compared);

  it("completes under every collector (the premise of the comparison)", () => {
    expect(results.map((r) => r.outcome)).toEqual(results.map(() => "completed"));
  });

  it("ranks throughput by total time (mutator with barriers and count updates, plus pauses), never by GC time alone", () => {
    const best = argmin(compared, (r) => r.time.total);
    // concurrent-mark-sweep is among them: its collector thread runs on another core, so total time is elapsed time, and the line says so.
    expect(compared.some((r) => r.collector === "concurrent-mark-sweep" && r.time.concurrent > 0)).toBe(true);
    const { winner, line } = lineStartingWith(lines, /less total time than/);
    expect(line).toMatch(/ \(elapsed: a collector thread's own CPU is ranked below\)$/);
    expect(winner).toBe(labelOf(best));
    for (const r of compared.filter((r) => r !== best)) {
      const ratio = r.time.total / best.time.total;
      expect(line).toContain(`${ratio.toFixed(ratio < 10 ? 2 : 1)}× less total time than ${labelOf(r)}`);
    }
    // Without a collector thread among the runs, plain total time.
    const stopping = compared.filter((r) => r.time.concurrent === 0);
    expect(summaryLines(stopping)[0]).toMatch(/^[^:]+: [\d.]+× less total time than [^(]*$/);
    expect(lines.join("\n")).not.toMatch(/GC time/);
  });

  it("ranks latency by max pause and by MMU at the stated window, and so does not name rc for its many tiny cascade frees", () => {
    const rc = compared.find((r) => r.collector === "rc")!;
    // The trap: rc's pauses are mostly one-object cascades, so a percentile over every event says little about its collections.
    expect(rc.collections["rc-cascade"]).toBeGreaterThan(rc.collections.total / 2);
    const shortest = argmin(compared, (r) => r.pauses.max!);
    const maxPause = lineStartingWith(lines, /shorter max pause than/);
    expect(maxPause.winner).toBe(labelOf(shortest));
    for (const r of compared.filter((r) => r !== shortest)) {
      const ratio = r.pauses.max! / shortest.pauses.max!;
      expect(maxPause.line).toContain(`${ratio.toFixed(ratio < 10 ? 2 : 1)}× shorter max pause than ${labelOf(r)}`);
    }

    const w = SUMMARY_MMU_WINDOW;
    const highest = compared.reduce((a, b) => (b.mmu[w]! > a.mmu[w]! ? b : a));
    const mmu = lineStartingWith(lines, /: highest MMU at 10 ms, /);
    expect(mmu.winner).toBe(labelOf(highest));
    expect(mmu.line).toContain(`at 10 ms, ${formatPercent(highest.mmu[w]!)} (`);
    for (const r of compared.filter((r) => r !== highest)) expect(mmu.line).toContain(`${labelOf(r)} ${formatPercent(r.mmu[w]!)}`);

    // rc's all-events percentiles would crown it (its median event is a one-object free); the MMU line,
    // which counts every pause of every kind in the window, does not: its cascades add up.
    expect(rc.pauses.p50!).toBeLessThan(Math.min(...compared.filter((r) => r !== rc).map((r) => r.pauses.p50!)));
    expect(mmu.winner).not.toBe("rc");
    expect(lines.join("\n")).not.toMatch(/\bp\d\d\b|percentile/);
  });

  it("gives the lower-bound overhead over none's mutator time, by its definition", () => {
    const { line } = lineStartingWith(lines, /^overhead over none's mutator time \(lower bound\): /);
    for (const r of compared) {
      const overhead = r.time.total / none.time.mutator - 1;
      expect(r.time.overheadVsNone).toBe(overhead);
      expect(line).toContain(`${labelOf(r)} ${overhead >= 0 ? "+" : ""}${formatPercent(overhead)}`);
    }
    expect(results.find((r) => r.collector === "none")!.time.overheadVsNone).toBe(0);
  });

  it("says in one line when no none run is available", () => {
    const alone = summaryLines(runs);
    expect(runs.every((r) => r.time.overheadVsNone === null)).toBe(true);
    expect(alone.filter((l) => l.startsWith("overhead over none's mutator time: not available"))).toHaveLength(1);
    // The other lines do not depend on it.
    expect(alone.filter((l) => !l.startsWith("overhead"))).toEqual(lines.filter((l) => !l.startsWith("overhead")));
  });

  it("is the same lines in every renderer: terminal table, markdown and the HTML report", () => {
    const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const table = reporters.table(compared, new Chalk({ level: 0 }));
    const markdown = reporters.markdown(compared);
    const html = renderHtmlReport(compared);
    expect(table).toContain(["Summary", ...lines.map((l) => `  ${l}`)].join("\n"));
    for (const line of lines) {
      expect(markdown).toContain(`- ${line.replace(/([*_`|\\[\]<>])/g, "\\$1")}`);
      expect(html).toContain(`<li>${escapeHtml(line)}</li>`);
    }
  });

  it("separates collections from rc's cascades: collection percentiles, and pauses at or above the floor", () => {
    for (const r of results) {
      const collections = COLLECTIONS_PROPER.reduce((n, k) => n + r.collections[k], 0);
      expect(r.pauses.collections.count).toBe(collections);
      expect(r.pauses.collections.total).toBeCloseTo(COLLECTIONS_PROPER.reduce((n, k) => n + r.pauses[k].total, 0), 3);
      const maxima = COLLECTIONS_PROPER.map((k) => r.pauses[k].max).filter((m): m is number => m !== null);
      expect(r.pauses.collections.max).toBe(maxima.length > 0 ? Math.max(...maxima) : null);
      expect(r.pauses.atLeast1us).toBeLessThanOrEqual(r.pauses.count);
      if (r.collections["rc-cascade"] === 0 && r.collections.assist === 0) expect(r.pauses.collections).toEqual(Object.fromEntries(Object.entries(r.pauses).filter(([k]) => k in r.pauses.collections)));
    }
    const rc = results.find((r) => r.collector === "rc")!;
    expect(rc.pauses.collections.count).toBe(rc.collections.cycle);
    // The collections are the long pauses: their median is far above the median of every event.
    expect(rc.pauses.collections.p50!).toBeGreaterThan(rc.pauses.p50!);
  });
});

describe("the overhead over none", () => {
  const params = { rounds: 2, grow: 500 };
  const base = (collector: string, heapBytes = 1 << 20) => runWorkload(loadWorkload("workloads/linked-list.json", params), { collector, params, heapBytes });
  const markSweep = base("mark-sweep");
  const none = base("none");

  it("is measured against a completed none run of the same workload, parameters, seed and cost model", () => {
    const [ms] = withOverheadVsNone([markSweep, none]);
    expect(ms.time.overheadVsNone).toBe(markSweep.time.total / none.time.mutator - 1);
    const otherSeed = { ...none, seed: 2 };
    const otherParams = { ...none, params: { ...none.params, rounds: 3 } };
    const otherCosts = { ...none, costModel: { ...none.costModel, statement: 2 } };
    const failed = { ...none, outcome: "out-of-memory" as const };
    for (const other of [otherSeed, otherParams, otherCosts, failed]) expect(withOverheadVsNone([markSweep, other])[0].time.overheadVsNone).toBeNull();
    // A run that did not complete has no overhead either.
    expect(withOverheadVsNone([{ ...markSweep, outcome: "out-of-memory" }, none])[0].time.overheadVsNone).toBeNull();
  });

  it("prefers the none run at the same heap, else the one at the largest heap, and keeps a written figure when there is none", () => {
    const at = (heapBytes: number, mutator: number) => ({ ...none, heapBytes, time: { ...none.time, mutator, total: mutator } });
    const same = withOverheadVsNone([markSweep, at(4 << 20, 1), at(markSweep.heapBytes, 2)])[0];
    expect(same.time.overheadVsNone).toBe(markSweep.time.total / 2 - 1);
    const largest = withOverheadVsNone([markSweep, at(4 << 20, 1), at(8 << 20, 4)])[0];
    expect(largest.time.overheadVsNone).toBe(markSweep.time.total / 4 - 1);
    expect(withOverheadVsNone([largest])[0].time.overheadVsNone).toBe(largest.time.overheadVsNone);
  });
});

describe("pause accounting", () => {
  it("classifies every kind once, and rc's cascades are events, not collections", () => {
    expect(Object.keys(IS_COLLECTION).sort()).toEqual([...COLLECTION_KINDS].sort());
    // A mutator assist of concurrent marking is an inline event too.
    expect(COLLECTIONS_PROPER).toEqual(COLLECTION_KINDS.filter((k) => k !== "rc-cascade" && k !== "assist"));
  });

  /** Figures of a run with the given pauses, laid end to end after 1 ms of mutator time each. */
  function raw(pauses: [string, number][]): RawFigures {
    const starts = pauses.map((_, i) => (i + 1) * 1e6 + pauses.slice(0, i).reduce((n, [, d]) => n + d, 0));
    return {
      pauseKinds: pauses.map(([k]) => k),
      pauseStartNs: starts,
      pauseNs: pauses.map(([, d]) => d),
      mutatorNs: (pauses.length + 1) * 1e6,
      gcNs: pauses.reduce((n, [, d]) => n + d, 0),
      allocatedObjects: 1,
      allocatedBytes: 24,
      work: { ...new WorkCounters() },
      peakLive: { peak: 24, upperBound: 24, probes: 1 },
      peakFootprint: 24,
      peakFragmentation: 0,
      live: { bytes: 0, objects: 0, hash: 0 },
      collectorFigures: {},
      mutator: { statements: 0, loads: 0, stores: 0, calls: 0, payloadAccesses: 0 },
      concurrentNs: 0,
      barrierNs: 0,
      pauseCycles: pauses.map(() => -1),
      cycles: [],
      cycleOpen: false,
    };
  }
  const pauses: [string, number][] = [
    ["rc-cascade", 100],
    ["rc-cascade", PAUSE_FLOOR_NS - 1],
    ["rc-cascade", PAUSE_FLOOR_NS],
    ["cycle", 7e6],
    ["rc-cascade", 120],
    ["cycle", 3e6],
  ];

  it("gives percentiles over collections only, and counts pauses of any kind at or above the floor", () => {
    const shaped = shapeFigures(raw(pauses), true);
    expect(shaped.pauses.collections).toEqual({ count: 2, total: 10e6, mean: 5e6, p50: 3e6, p90: 7e6, p95: 7e6, p99: 7e6, max: 7e6 });
    // Nearest rank over all six events: rank 3 of [100, 120, 999, 1000, 3e6, 7e6].
    expect(shaped.pauses.p50).toBe(PAUSE_FLOOR_NS - 1);
    expect(shaped.pauses.atLeast1us).toBe(3);
    expect(shaped.time.overheadVsNone).toBeNull();
  });

  it("keeps the counts of a run that did not complete and leaves its statistics null", () => {
    const shaped = shapeFigures(raw(pauses), false);
    expect(shaped.pauses.collections).toEqual({ count: 2, total: 10e6, mean: null, p50: null, p90: null, p95: null, p99: null, max: null });
    expect(shaped.pauses.atLeast1us).toBe(3);
  });

  it("has every key without pauses: counts 0, statistics null", () => {
    const shaped = shapeFigures(raw([]), true);
    expect(shaped.pauses.collections).toEqual({ count: 0, total: 0, mean: null, p50: null, p90: null, p95: null, p99: null, max: null });
    expect(shaped.pauses.atLeast1us).toBe(0);
  });
});
