/**
 * Object demographics and drag (--demographics). The figures are derived by
 * hand from small workloads whose every allocation, use and death is written
 * out below, from a collector-independence property (with a census before
 * every allocation death times are exact, so every collector, moving or not,
 * must report the same lifetimes), from the collector's own promotion count,
 * and from request-server's definition.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { DemographicsResult } from "../src/metrics/demographics.js";
import type { RunResult } from "../src/report/result.js";
import { compileWorkload } from "../src/workload/compile.js";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload, runWorkloadWithTimeline } from "../src/sim/run.js";
import { renderHtmlReport } from "../src/report/html.js";
import { pauseHistogram } from "../src/report/pause-histogram.js";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { WorkloadDoc } from "../src/workload/types.js";
import { run } from "./helpers.js";

/**
 * Twelve statements; the clock is bytes allocated, an object's birth is the
 * clock just after its own allocation. Sizes: header 8 + 8 per slot +
 * payload rounded up to 8.
 *   0  a1 = alloc 1 slot, 8 B     size 24, born 24
 *   1  b1 = alloc 0 slots, 16 B   size 24, born 48
 *   2  write b1[0]                last use of b1: 48
 *   3  c1 = alloc 100 B           size 112, born 160
 *   4  b = null                   b1 dies (found by the census before 5, at 160): lifetime 112
 *   5  b2 = alloc 0 B             size 8, born 168
 *   6  a1[0] = c1                 last use of a1: 168
 *   7  c = null; 8  a = null      a1 and c1 die (census before 9, at 168): lifetimes 144 and 8
 *   9  c2 = alloc 8 B             size 16, born 184
 *   10 collect                    a full collection at 184
 *   11 a2 = alloc 56 B            size 64, born 248 = the end
 * The variables are globals: b2, c2 and a2 are reachable at the end.
 */
const HAND: WorkloadDoc = {
  name: "hand-demographics",
  heap: "64KiB",
  // Globals, so that what they hold is still reachable when main has returned.
  globals: ["a:ref", "b:ref", "c:ref"],
  main: {
    body: [
      { alloc: { slots: 1, bytes: 8 }, to: "a" },
      { alloc: { slots: 0, bytes: 16 }, to: "b" },
      { write: "b[0]", value: 1 },
      { alloc: { slots: 0, bytes: 100 }, to: "c" },
      { assign: "b", value: null },
      { alloc: { slots: 0, bytes: 0 }, to: "b" },
      { store: "a[0]", value: "c" },
      { assign: "c", value: null },
      { assign: "a", value: null },
      { alloc: { slots: 0, bytes: 8 }, to: "c" },
      { collect: true },
      { alloc: { slots: 0, bytes: 56 }, to: "a" },
    ],
  },
} as WorkloadDoc;

function demographicsOf(r: RunResult): DemographicsResult {
  expect(r.outcome).toBe("completed");
  expect(r.demographics).toBeDefined();
  return r.demographics!;
}

const bucket = (fromBytes: number, objects: number, bytes: number) => ({ fromBytes, toBytes: fromBytes === 0 ? 1 : 2 * fromBytes, objects, bytes });

describe("demographics of a hand-built workload", () => {
  const runs = Object.fromEntries(
    ["none", "mark-sweep", "copying", "rc"].map((collector) => [collector, demographicsOf(run(HAND, { collector, demographics: true, demographicsInterval: 8 }))]),
  );

  it("derives lifetimes and sizes by hand, the same under every collector", () => {
    for (const d of Object.values(runs)) {
      // Lifetimes 8 (c1), 112 (b1), 144 (a1): log2 buckets [8,16), [64,128), [128,256), the empty ones between listed.
      expect(d.lifetimes).toEqual([
        bucket(8, 1, 112),
        bucket(16, 0, 0),
        bucket(32, 0, 0),
        bucket(64, 1, 24),
        bucket(128, 1, 24),
      ]);
      // Sizes 24, 24, 112, 8, 16, 64.
      expect(d.sizes).toEqual([bucket(8, 1, 8), bucket(16, 3, 64), bucket(32, 0, 0), bucket(64, 2, 176)]);
      expect(d.liveAtEnd).toEqual({ objects: 3, bytes: 8 + 16 + 64 });
      expect(d.objects).toBe(6);
      expect(d.bytes).toBe(248);
      expect(d.deathPrecisionBytes).toBeLessThanOrEqual(112);
      const b1 = d.sites.find((s) => s.site === "/main/body/1")!;
      expect(b1).toMatchObject({ objects: 1, bytes: 24, died: 1, meanLifetime: 112 });
      expect(d.sites.find((s) => s.site === "/main/body/11")!.meanLifetime).toBeNull();
    }
  });

  it("derives drag by hand for each way of reclaiming", () => {
    // Reachable at the end (248): b2 last used at 168, c2 at 184, a2 at 248: 8*80 + 16*64 + 0.
    const reachable = 8 * 80 + 16 * 64;
    // none never reclaims: a1 24*(248-168), b1 24*(248-48), c1 112*(248-160).
    expect(runs.none.drag).toEqual({
      total: 24 * 80 + 24 * 200 + 112 * 88 + reachable,
      afterDeath: 24 * (248 - 168) + 24 * (248 - 160) + 112 * (248 - 168),
      reachableAtEnd: reachable,
      meanBytes: (24 * 80 + 24 * 200 + 112 * 88 + reachable) / 248,
    });
    // A tracing collector reclaims the three at the collection, at 184.
    for (const d of [runs["mark-sweep"], runs.copying]) {
      expect(d.reclamation).toBe("at-collection");
      expect(d.drag.total).toBe(24 * (184 - 168) + 24 * (184 - 48) + 112 * (184 - 160) + reachable);
      expect(d.drag.afterDeath).toBe(24 * (184 - 168) + 24 * (184 - 160) + 112 * (184 - 168));
    }
    // Reference counting reclaims at death: a1 at 168 (last used then), b1 at 160, c1 at 168.
    expect(runs.rc.reclamation).toBe("at-death");
    expect(runs.rc.drag.total).toBe(0 + 24 * (160 - 48) + 112 * (168 - 160) + reachable);
    expect(runs.rc.drag.afterDeath).toBe(0);
    // Per site: b1's drag under mark-sweep is all of its idle time, 24 * (184 - 48).
    expect(runs["mark-sweep"].sites.find((s) => s.site === "/main/body/1")!.drag).toBe(24 * 136);
  });

  it("counts survival of the first collection at the collection (a tracing collector; rc has none)", () => {
    for (const d of [runs["mark-sweep"], runs.copying]) {
      const survived = Object.fromEntries(d.sites.map((s) => [s.site, s.survivedFirstCollection]));
      // At 184: a1, b1, c1 are dead; b2 and c2 live; a2 is born after it.
      expect(survived).toEqual({ "/main/body/0": 0, "/main/body/1": 0, "/main/body/3": 0, "/main/body/5": 1, "/main/body/9": 1, "/main/body/11": null });
      expect(d.sites.every((s) => s.promotedBytes === null)).toBe(true);
    }
    expect(runs.rc.sites.every((s) => s.survivedFirstCollection === null)).toBe(true);
  });

  it("reports reachable objects idle for a tenth of the run as never used again", () => {
    // Idle at least floor(248 / 10) = 24: b2 (80) and c2 (64), not a2 (0).
    expect(runs.none.unusedAtEnd).toEqual({
      idleAtLeast: 24,
      objects: 2,
      bytes: 24,
      sites: [
        { site: "/main/body/9", objects: 1, bytes: 16, drag: 16 * 64 },
        { site: "/main/body/5", objects: 1, bytes: 8, drag: 8 * 80 },
      ],
    });
  });
});

describe("demographics follow moving collectors", () => {
  const tree = loadWorkload("workloads/random-tree.json");
  const collectors = ["mark-sweep", "copying", "mark-compact", "immix", "sticky-immix", "generational", "gen-immix", "rc"];
  const results = collectors.map((collector) => runWorkload(tree, { collector, demographics: true, demographicsInterval: 8, heapBytes: 64 << 10 }));

  it("reports the same exact lifetimes under every collector, however often objects moved", () => {
    expect(results.every((r) => r.outcome === "completed" && r.collections.total >= 8)).toBe(true);
    const reference = results[0].demographics!;
    for (const r of results) {
      const d = r.demographics!;
      expect(d.lifetimes, r.label).toEqual(reference.lifetimes);
      expect(d.liveAtEnd, r.label).toEqual({ objects: r.memory.finalLiveObjects, bytes: r.memory.finalLive });
      expect(d.sites.map((s) => [s.site, s.died, s.meanLifetime]).sort(), r.label).toEqual(reference.sites.map((s) => [s.site, s.died, s.meanLifetime]).sort());
    }
  });

  it("attributes no more than the collector's promoted bytes to sites", () => {
    for (const r of results.filter((r) => r.collector === "generational" || r.collector === "gen-immix")) {
      // Sites count the reachable objects that left the nursery; the collector also promotes young garbage that a
      // dead old object in its remembered set still points to (replaced subtrees here), which no census reaches.
      const promoted = r.demographics!.sites.reduce((sum, s) => sum + s.promotedBytes!, 0);
      expect(promoted, r.label).toBeLessThanOrEqual(r.memory.promotedBytes!);
      expect(promoted).toBeGreaterThan(0);
    }
  });
});

describe("request-server: where promoted bytes come from", () => {
  const r = runWorkload(loadWorkload("workloads/request-server.json"), { collector: "generational", demographics: true });
  const d = demographicsOf(r);
  const site = (path: string) => d.sites.find((s) => s.site === path)!;
  // The definition: each request allocates short-lived temporaries (Handle's loop), and 5% of requests replace a
  // session's state with a new session object (Handle's `then`) that keeps the request's last temporary, which
  // chains to all the request's temporaries. Session state is that object and the temporaries it keeps.
  const temporaries = site("/functions/Handle/body/2/do/0");
  const session = site("/functions/Handle/body/3/then/0");

  it("attributes at least 95% of promoted bytes to the sites that allocate session state", () => {
    const promoted = r.memory.promotedBytes!;
    expect(d.sites.reduce((sum, s) => sum + s.promotedBytes!, 0)).toBe(promoted);
    expect((temporaries.promotedBytes! + session.promotedBytes!) / promoted).toBeGreaterThanOrEqual(0.95);
    // Ranked by promoted bytes.
    expect(d.sites.map((s) => s.site).slice(0, 2)).toEqual([temporaries.site, session.site]);
  });

  it("sees about 5% of temporaries (those a new session keeps) and nearly every session survive their first collection", () => {
    // sessionUpdatePercent = 5: 5% of requests keep their 16 temporaries; a few more are in flight at a collection.
    expect(temporaries.survivedFirstCollection!).toBeGreaterThan(0.045);
    expect(temporaries.survivedFirstCollection!).toBeLessThan(0.06);
    // A session dies young only if its slot (1 of 1000) is replaced within one nursery's worth of requests.
    expect(session.survivedFirstCollection!).toBeGreaterThan(0.95);
    expect(session.meanLifetime!).toBeGreaterThan(temporaries.meanLifetime!);
  });

  it("bounds the collector's share of drag by the nursery: a young death is reclaimed by the next minor collection", () => {
    // Every object that dies young waits at most one nursery's worth of allocation; only objects that die old (at
    // most the sessions' bytes and what they keep, i.e. the promoted bytes) can wait for a major collection.
    const bound = r.memory.nurserySize! * d.bytes + r.memory.promotedBytes! * d.bytes;
    expect(d.reclamation).toBe("at-collection");
    expect(d.drag.afterDeath).toBeGreaterThan(0);
    expect(d.drag.afterDeath).toBeLessThanOrEqual(bound);
  });
});

describe("lru-leak: drag where it comes from", () => {
  // The cache keeps `capacity` entries, each with one value; the ring keeps the last keepEvicted evicted entries,
  // each still holding its value, and nothing reads them again.
  const params = { capacity: 300, keys: 2000, accesses: 8000, buckets: 128 };
  const leak = loadWorkload("workloads/lru-leak.json");
  const held = runWorkload(leak, { collector: "generational", demographics: true, params: { ...params, keepEvicted: 1000 }, heapBytes: 512 << 10 });
  const dropped = runWorkload(leak, { collector: "generational", demographics: true, params: { ...params, keepEvicted: 1 }, heapBytes: 512 << 10 });
  const ENTRY = "/functions/Access/body/3";
  const VALUE = "/functions/Access/body/5";
  const REFRESHED = "/functions/Access/body/2/do/1/then/3/then/0";

  it("keeps every evicted entry in the ring reachable at the end", () => {
    const d = demographicsOf(held);
    // 2 x capacity cached, 2 x keepEvicted in the ring (more entries can hang off an evicted entry's chain), table and ring.
    expect(d.liveAtEnd.objects).toBeGreaterThanOrEqual(2 * 300 + 2 * 1000 + 2);
    expect(demographicsOf(dropped).liveAtEnd.objects).toBeLessThan(2 * 300 + 2 * 1 + 2 + 300);
  });

  it("puts the drag the ring adds at the entry and value sites", () => {
    const siteDrag = (r: RunResult, site: string) => r.demographics!.sites.find((s) => s.site === site)?.drag ?? 0;
    const added = held.demographics!.drag.total - dropped.demographics!.drag.total;
    expect(added).toBeGreaterThan(0);
    const atEntries = [ENTRY, VALUE, REFRESHED].reduce((sum, site) => sum + siteDrag(held, site) - siteDrag(dropped, site), 0);
    // The same program, seed and keys: only the ring differs, and the ring holds only entries and their values.
    expect(atEntries / added).toBeGreaterThan(0.99);
    const unused = held.demographics!.unusedAtEnd.sites.map((s) => s.site);
    expect(unused.slice(0, 2).sort()).toEqual([ENTRY, VALUE].sort());
  });
});

describe("the result contract", () => {
  const schema = JSON.parse(readFileSync("schema/result.schema.json", "utf8"));
  const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  it("accepts results with demographics, including a run that ran out of memory", () => {
    const oom = runWorkload(loadWorkload("workloads/request-server.json"), { collector: "none", demographics: true });
    expect(oom.outcome).toBe("out-of-memory");
    for (const r of [oom, run(HAND, { collector: "copying", demographics: true }), run(HAND, { collector: "generational", demographics: true })]) {
      expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
      expect(r.demographics!.objects).toBe(r.allocated.objects);
    }
  });
});

describe("the option costs nothing when off", () => {
  const doc = HAND;
  it("generates use hooks only when tracking uses, and no demographics key without the option", () => {
    const link = { storeBarrier: false, maxOps: 1e9, maxDepth: 100 };
    expect(compileWorkload(doc, link).source).not.toMatch(/\bdm\b/);
    expect(compileWorkload(doc, { ...link, trackUses: true }).source).toMatch(/dm\.use\(/);
    expect(run(doc, { collector: "mark-sweep" })).not.toHaveProperty("demographics");
    // Tracking changes no figure of the run: its traces are not simulated work.
    const figures = (r: RunResult) => ({ ...r, demographics: undefined, wall: undefined });
    const tree = loadWorkload("workloads/random-tree.json");
    for (const collector of ["generational", "rc"]) {
      const plain = runWorkload(tree, { collector, heapBytes: 64 << 10 });
      expect(figures(runWorkload(tree, { collector, heapBytes: 64 << 10, demographics: true }))).toEqual(figures(plain));
    }
  });
});

describe("reports", () => {
  it("buckets pauses per kind by log2 of their simulated duration", () => {
    const rows = [
      { kind: "minor", pauseNs: 1000 }, // 2^9 <= 1000 < 2^10
      { kind: "minor", pauseNs: 1023 },
      { kind: "major", pauseNs: 1024 }, // 2^10
      { kind: "minor", pauseNs: 5000 }, // 2^12 <= 5000 < 2^13
    ];
    expect(pauseHistogram(rows)).toEqual({
      firstNs: 512,
      kinds: [
        { kind: "minor", counts: [2, 0, 0, 1] },
        { kind: "major", counts: [0, 1, 0, 0] },
      ],
    });
    expect(pauseHistogram([])).toBeNull();
  });

  it("draws the lifetime histogram, the site table and the pause histogram as static SVG and HTML", () => {
    const { result, timeline } = runWorkloadWithTimeline(loadWorkload("workloads/request-server.json", { requests: 2000 }), {
      collector: "generational",
      demographics: true,
      params: { requests: 2000 },
    });
    const html = renderHtmlReport([{ ...result, timeline: timeline() }]);
    const section = html.slice(html.indexOf("<h2>Object demographics and drag</h2>"), html.indexOf("<script>"));
    expect(section).toContain("/functions/Handle/body/3/then/0");
    expect(section.match(/<svg /g)).toHaveLength(2);
    // One bar per non-empty lifetime bucket.
    const bars = result.demographics!.lifetimes.filter((b) => b.objects > 0).length;
    const lifetimes = section.slice(section.indexOf("<svg "), section.indexOf("</svg>"));
    expect(lifetimes.match(/<rect [^>]*height="(?!0\.0")/g)).toHaveLength(bars);
    expect(html).toContain("<h3>Pause histograms</h3>");
  });
});

describe("the command line", () => {
  function gcsim(...args: string[]) {
    const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const small = ["--param", "requests=2000", "--param", "sessions=100"];

  it("--demographics prints the site table; --demographics-csv writes the long-format CSV", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-demo-"));
    const r = gcsim("run", "request-server", "-c", "generational", ...small, "--demographics", "--demographics-csv", join(dir, "d.csv"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Allocation sites");
    expect(r.stdout).toContain("/functions/Handle/body/3/then/0");
    const rows = parse(readFileSync(join(dir, "d.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(new Set(rows.map((row) => row.table))).toEqual(new Set(["site", "lifetime", "size", "unused-at-end"]));
    expect(rows.filter((row) => row.table === "site").map((row) => row.site)).toContain("/functions/Handle/body/2/do/0");
  });

  it("--demographics-interval takes a size; anything else is one line and exit 2", () => {
    const json = gcsim("run", "request-server", "-c", "copying", ...small, "--demographics-interval", "4KiB", "-f", "json");
    expect(json.code).toBe(0);
    // A census is due once 4 KiB were allocated, and taken before the next allocation: the gap is at most 4 KiB
    // plus the largest object, a temporary with 2 slots and 2048 payload bytes (header 8 + 16 + 2048).
    expect(JSON.parse(json.stdout).demographics.deathPrecisionBytes).toBeLessThanOrEqual(4096 + 8 + 16 + 2048);
    const bad = gcsim("run", "request-server", "-c", "copying", "--demographics-interval", "often");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("--demographics-interval");
  });
});
