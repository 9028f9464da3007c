#!/usr/bin/env node
// The calibration instrument of issue 13: V8's scavenge pauses on GCBench next to
// gcsim's generational minor pauses on the same program, configured like V8, at
// every semispace size in calibration/v8-gcbench/semi_S.log.
//
//   npm run build && npm run calibrate        (or: node calibration/compare-v8.mjs [--json])
//
// Nothing here tunes anything: gcsim runs with its default cost model (or the one
// given with --cost-model FILE.json, to try a candidate model against the same table).
// See calibration/README.md for the scaling argument and the current output.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { copiedBytes, linearFit, median, parseNvpLog, summarise } from "./v8-log.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const logs = join(here, "v8-gcbench");

const MiB = 1024 * 1024;
/** V8's GCBench Node (two references, two small ints; heap snapshot self_size, pointer compression off). */
const V8_NODE_BYTES = 56;
/** gcsim's GCBench Node: 8-byte header, two 8-byte slots, 8 bytes of payload. */
const GCSIM_NODE_BYTES = 32;
/** V8 promotes what survives a second scavenge (the first copies within new space). */
const PROMOTE_AGE = 2;
/** Large enough that the mature space takes the whole run's promotion with few majors (GCBench live is 16.8 MB). */
const HEAP_BYTES = 128 * MiB;
/** A scavenge that copied (promoted + kept in new space) at most this much "copied almost nothing". */
const NEAR_EMPTY_BYTES = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
const json = args.includes("--json");
let costModelFile;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--json") continue;
  if (args[i] === "--cost-model" && i + 1 < args.length) costModelFile = args[++i];
  else {
    process.stderr.write("usage: node calibration/compare-v8.mjs [--json] [--cost-model FILE.json]\n");
    process.exit(2);
  }
}

const distIndex = join(root, "dist", "index.js");
if (!existsSync(distIndex)) {
  process.stderr.write("compare-v8: dist/ is missing; run `npm run build` first\n");
  process.exit(2);
}
const gcsim = await import(pathToFileURL(distIndex).href);
const costModel = costModelFile ? gcsim.loadCostModel(costModelFile) : undefined;

// ---------------------------------------------------------------------------------------------
// V8's side

/** Semispace sizes (MB) for which a log is shipped, ascending. */
const sizes = readdirSync(logs)
  .map((f) => /^semi_(\d+)\.log$/.exec(f))
  .filter((m) => m !== null)
  .map((m) => Number(m[1]))
  .sort((a, b) => a - b);

const summaries = new Map(
  readFileSync(join(logs, "gcbench_semispace.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l))
    .map((s) => [s.tag, s]),
);

function readLog(name) {
  return parseNvpLog(readFileSync(join(logs, name), "utf8"));
}

/**
 * The semispace V8 really used: the allocation between two scavenges (p75, so that neither
 * the start-up growth from 1 MB nor scavenges right after a mark-compact count), rounded up
 * to a whole MiB and never above the flag. With --max-semi-space-size=64, V8 11.3 (x64, no
 * pointer compression) still stops at 32 MB: semi_32 and semi_64 differ only by noise.
 */
function effectiveSemiMiB(S, scavenges) {
  const allocated = scavenges.map((e) => e.fields.allocated ?? 0).sort((a, b) => a - b);
  const p75 = allocated[Math.max(0, Math.ceil(0.75 * allocated.length) - 1)];
  return { semiMiB: Math.min(S, Math.ceil(p75 / MiB)), allocatedP75: p75 };
}

/** The per-scavenge fixed components of one log. */
function fixedComponents(name, events) {
  const scavenges = events.filter((e) => e.gc === "s");
  const nearEmpty = scavenges.filter((e) => copiedBytes(e) <= NEAR_EMPTY_BYTES);
  const fit = linearFit(
    scavenges.map((e) => copiedBytes(e) / MiB),
    scavenges.map((e) => e.pause),
  );
  const m = (list, f) => (list.length === 0 ? NaN : median(list.map(f)));
  return {
    log: name,
    scavenges: scavenges.length,
    timeToSafepoint: m(scavenges, (e) => e.fields.time_to_safepoint ?? 0),
    roots: m(scavenges, (e) => e.fields["scavenge.roots"] ?? 0),
    nearEmpty: nearEmpty.length,
    nearEmptyPause: m(nearEmpty, (e) => e.pause),
    nearEmptyRoots: m(nearEmpty, (e) => e.fields["scavenge.roots"] ?? 0),
    nearEmptyParallel: m(nearEmpty, (e) => e.fields["scavenge.parallel"] ?? 0),
    /** Pause minus roots and the parallel copying phase: page bookkeeping, remembered set, prologue/epilogue. */
    nearEmptyRest: m(nearEmpty, (e) => e.pause - (e.fields["scavenge.roots"] ?? 0) - (e.fields["scavenge.parallel"] ?? 0)),
    interceptMs: fit.intercept,
    msPerMiBCopied: fit.slope,
    r2: fit.r2,
  };
}

// ---------------------------------------------------------------------------------------------
// gcsim's side

const workload = gcsim.loadWorkload(join(root, "workloads", "gcbench.json"));

/**
 * A nursery whose eden holds as many GCBench nodes as one V8 semispace: V8's new space is
 * two semispaces of S MB, one allocated into and one the copy reserve, so it holds
 * S MiB / 56 nodes between scavenges; gcsim's eden must hold as many 32-byte nodes,
 * S MiB · 32/56. With promote-age 2, eden is 8/10 of the nursery (two survivor spaces of
 * a tenth each, the counterpart of V8's copy reserve), so nursery = eden · 10/8, rounded
 * up to a multiple of 80 bytes so that the split is exact.
 */
function nurseryFor(semiMiB) {
  const edenBytes = (semiMiB * MiB * GCSIM_NODE_BYTES) / V8_NODE_BYTES;
  return Math.ceil((edenBytes * 10) / 8 / 80) * 80;
}

function runGcsim(nurseryBytes) {
  const result = gcsim.runWorkload(workload, {
    collector: "generational",
    heapBytes: HEAP_BYTES,
    collectorOptions: { nursery: String(nurseryBytes), "promote-age": String(PROMOTE_AGE) },
    timeline: true,
    ...(costModel ? { costModel } : {}),
  });
  if (result.outcome !== "completed") throw new Error(`gcsim run ended ${result.outcome} (nursery ${nurseryBytes})`);
  const ms = (kind) => result.timeline.filter((r) => r.kind === kind).map((r) => r.pauseNs / 1e6);
  const minor = ms("minor");
  const minorCopied = result.timeline.filter((r) => r.kind === "minor").map((r) => r.work.bytesCopied);
  // The timeline and the result's own summary must agree (both nearest rank).
  const own = result.pauses.minor;
  const mine = summarise(minor);
  if (own && (own.count !== mine.count || own.p50 / 1e6 !== mine.p50 || own.max / 1e6 !== mine.max)) {
    throw new Error(`timeline and result disagree on minor pauses: ${JSON.stringify(own)} vs ${JSON.stringify(mine)}`);
  }
  return { minor: mine, minorMinMs: Math.min(...minor), minorCopiedP50: median(minorCopied), major: summarise(ms("major")), costs: result.costModel };
}

// ---------------------------------------------------------------------------------------------
// The comparison

const rows = [];
let runCosts;
for (const S of sizes) {
  const tag = `semi_${S}`;
  const events = readLog(`${tag}.log`);
  const scavenges = events.filter((e) => e.gc === "s");
  const v8 = summarise(scavenges.map((e) => e.pause));
  const v8mc = summarise(events.filter((e) => e.gc === "mc").map((e) => e.pause));
  const summary = summaries.get(tag);
  if (summary && (summary.scavenges !== v8.count || Math.abs(summary.scavenge_pause_ms - v8.total) > 0.05)) {
    throw new Error(`${tag}.log parses to ${v8.count} scavenges / ${v8.total} ms, the shipped summary says ${summary.scavenges} / ${summary.scavenge_pause_ms}`);
  }
  const { semiMiB, allocatedP75 } = effectiveSemiMiB(S, scavenges);
  const nurseryBytes = nurseryFor(semiMiB);
  const run = runGcsim(nurseryBytes);
  runCosts = run.costs;
  rows.push({
    S,
    semiMiB,
    allocatedP75,
    nurseryBytes,
    edenBytes: nurseryBytes - 2 * Math.floor(nurseryBytes / 80) * 8,
    v8,
    v8mc,
    v8CopiedP50: median(scavenges.map(copiedBytes)),
    fixed: fixedComponents(`${tag}.log`, events),
    gcsim: run.minor,
    gcsimMinMs: run.minorMinMs,
    gcsimCopiedP50: run.minorCopiedP50,
    gcsimMajor: run.major,
  });
}

/** The cost model the runs used (the default unless --cost-model). */
const costs = runCosts;

const fixedDefault = ["nvp_1.log", "nvp_2.log", "nvp_3.log", "nvp_jsarray.log"]
  .filter((f) => existsSync(join(logs, f)))
  .map((f) => fixedComponents(f, readLog(f)));

function verdict(r) {
  const parts = [];
  const x = (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));
  const count = r.gcsim.count / r.v8.count;
  if (count < 0.85 || count > 1.15) parts.push(`count ${x(count)}× V8's`);
  const p50 = r.gcsim.p50 / r.v8.p50;
  const fixed = r.fixed.nearEmptyPause;
  if (p50 < 0.5) parts.push(`p50 ${x(1 / p50)}× too small (V8's near-empty scavenges here: ${span(fixed)}, gcsim's emptiest minor: ${span(r.gcsimMinMs)})`);
  else if (p50 > 2) parts.push(`p50 ${x(p50)}× too large`);
  const spread = r.gcsim.p95OverP50 / r.v8.p95OverP50;
  if (spread > 2) parts.push(`p95/p50 ${x(spread)}× V8's`);
  else if (spread < 0.5) parts.push(`p95/p50 ${x(1 / spread)}× narrower than V8's`);
  const tail = r.gcsim.maxOverP50 / r.v8.maxOverP50;
  if (tail > 2) parts.push(`max/p50 ${x(tail)}× V8's`);
  else if (tail < 0.5) parts.push(`max/p50 ${x(1 / tail)}× shorter tail than V8's`);
  const total = r.gcsim.total / r.v8.total;
  if (total < 0.5) parts.push(`total ${x(1 / total)}× too small`);
  else if (total > 2) parts.push(`total ${x(total)}× too large`);
  const met = p50 >= 0.5 && p50 <= 2 && spread >= 0.5 && spread <= 2 && tail >= 0.5 && tail <= 2;
  parts.push(`issue 13 bounds (p50, p95/p50, max/p50 within 2×): ${met ? "met" : "not met"}`);
  return parts.join("; ");
}

function fmt(ms) {
  if (!Number.isFinite(ms)) return "-";
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  return ms.toFixed(3);
}
/** A duration given in ms, in the unit that shows it (gcsim's emptiest pauses are nanoseconds). */
function span(ms) {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 0.001) return `${Math.round(ms * 1e6)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(ms < 0.01 ? 1 : 0)} µs`;
  return `${ms.toFixed(2)} ms`;
}
const ratio = (v) => (!Number.isFinite(v) ? "-" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function table(header, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

if (json) {
  process.stdout.write(JSON.stringify({ heapBytes: HEAP_BYTES, promoteAge: PROMOTE_AGE, nearEmptyBytes: NEAR_EMPTY_BYTES, costModel: costs, rows, fixedDefault }, null, 2) + "\n");
} else {
  process.stdout.write(report().join("\n") + "\n");
}

/** The tables and verdicts, as lines. */
function report() {
  const out = [];
  out.push(`GCBench: V8 scavenges (Node v20.20.2, V8 11.3, --trace-gc-nvp --max-semi-space-size=S) vs gcsim generational minors`);
  out.push(`gcsim: --heap ${HEAP_BYTES / MiB}MiB --opt promote-age=${PROMOTE_AGE} --opt nursery=<eden holding one V8 semispace of nodes>, ${costModelFile ? `cost model ${costModelFile}` : "default cost model"}; pauses in ms (V8 prints them to 0.1 ms)`);
  out.push("");
  const body = [];
  for (const r of rows) {
    const semi = r.semiMiB === r.S ? `${r.S} MB` : `${r.S} MB (uses ${r.semiMiB})`;
    const nursery = `nursery ${r.nurseryBytes}`;
    const row = (who, s) => [who === "V8" ? semi : who === "gcsim" ? nursery : "", who, s.count, fmt(s.p50), fmt(s.p95), fmt(s.max), ratio(s.maxOverP50), ratio(s.p95OverP50), fmt(s.total)];
    body.push(row("V8", r.v8));
    body.push(row("gcsim", r.gcsim));
    body.push(["", "gcsim/V8", ratio(r.gcsim.count / r.v8.count), ratio(r.gcsim.p50 / r.v8.p50), ratio(r.gcsim.p95 / r.v8.p95), ratio(r.gcsim.max / r.v8.max), ratio(r.gcsim.maxOverP50 / r.v8.maxOverP50), ratio(r.gcsim.p95OverP50 / r.v8.p95OverP50), ratio(r.gcsim.total / r.v8.total)]);
  }
  out.push(table(["semispace S", "", "count", "p50", "p95", "max", "max/p50", "p95/p50", "total"], body));
  out.push("");
  out.push("Verdicts:");
  for (const r of rows) out.push(`  S=${String(r.S).padStart(2)}: ${verdict(r)}`);
  out.push("");
  // The p50s differ mostly in what the median scavenge copies (calibration/README.md, "Why the medians still
  // differ"), so the cost model is checked on its own: gcsim's price for V8's median copy volume.
  const perNode = costs.objectCopied + (GCSIM_NODE_BYTES / 8) * costs.wordCopied + 2 * costs.slotScanned;
  out.push("Cost model at V8's own copy volumes: gcsim's emptiest minor + gcsim's copy cost for V8's median bytes copied per");
  out.push(`scavenge (promoted + kept in new space, in ${V8_NODE_BYTES}-byte nodes at ${perNode} ns each), against V8's median scavenge`);
  out.push(
    table(
      ["S", "", "V8 copied p50 KiB", "gcsim copied p50 (V8 KiB)", "volume ratio", "gcsim price ms", "V8 p50 ms", "price/V8"],
      rows.map((r) => {
        const price = r.gcsimMinMs + ((r.v8CopiedP50 / V8_NODE_BYTES) * perNode) / 1e6;
        const gcsimV8Kib = (r.gcsimCopiedP50 * V8_NODE_BYTES) / GCSIM_NODE_BYTES / 1024;
        return [`${r.S} MB`, "", (r.v8CopiedP50 / 1024).toFixed(0), gcsimV8Kib.toFixed(0), ratio(r.v8CopiedP50 / 1024 / gcsimV8Kib), fmt(price), fmt(r.v8.p50), ratio(price / r.v8.p50)];
      }),
    ),
  );
  out.push("");
  out.push("Majors: V8 mark-compacts (gc=mc) vs gcsim generational majors, ms");
  out.push(
    table(
      ["S", "", "V8 count", "p50", "max", "total", "gcsim count", "p50", "max", "total"],
      rows.map((r) => [`${r.S} MB`, "", r.v8mc.count, fmt(r.v8mc.p50), fmt(r.v8mc.max), fmt(r.v8mc.total), r.gcsimMajor.count, fmt(r.gcsimMajor.p50), fmt(r.gcsimMajor.max), fmt(r.gcsimMajor.total)]),
    ),
  );
  out.push("");
  out.push("Scaling check: bytes V8 allocated between scavenges (p75) vs gcsim's eden in V8 bytes (eden · 56/32)");
  out.push(
    table(
      ["S", "", "V8 allocated p75", "gcsim eden", "eden in V8 bytes", "ratio"],
      rows.map((r) => {
        const v8bytes = (r.edenBytes * V8_NODE_BYTES) / GCSIM_NODE_BYTES;
        return [`${r.S} MB`, "", r.allocatedP75, r.edenBytes, Math.round(v8bytes), ratio(v8bytes / r.allocatedP75)];
      }),
    ),
  );
  out.push("");
  out.push(`V8's fixed per-scavenge components (medians, ms; near-empty = copied ≤ ${NEAR_EMPTY_BYTES / 1024} KiB, promoted + new_space_survived;`);
  out.push(`rest = pause − scavenge.roots − scavenge.parallel; fit = least squares pause = a + b · MiB copied, over all scavenges)`);
  out.push(
    table(
      ["log", "", "scavenges", "safepoint", "roots", "near-empty n", "pause", "roots", "parallel", "rest", "fit a", "fit b ms/MiB", "r²"],
      [...fixedDefault, ...rows.map((r) => r.fixed)].map((f) => [
        f.log,
        "",
        f.scavenges,
        fmt(f.timeToSafepoint),
        fmt(f.roots),
        f.nearEmpty,
        fmt(f.nearEmptyPause),
        fmt(f.nearEmptyRoots),
        fmt(f.nearEmptyParallel),
        fmt(f.nearEmptyRest),
        fmt(f.interceptMs),
        fmt(f.msPerMiBCopied),
        f.r2.toFixed(2),
      ]),
    ),
  );
  // What gcsim charges for copying one GCBench node in a minor: the copy (header work and four
  // 8-byte words) and scanning its two slots; per MiB of V8 nodes, for comparison with fit b.
  const perNodeNs = costs.objectCopied + ((GCSIM_NODE_BYTES / 8) * costs.wordCopied) + 2 * costs.slotScanned;
  const slopes = [...fixedDefault, ...rows.map((r) => r.fixed)].map((f) => f.msPerMiBCopied);
  const v8PerNodeNs = (median(slopes) * 1e6 * V8_NODE_BYTES) / MiB;
  out.push("");
  out.push(
    `Copy cost per surviving GCBench node: V8 ${v8PerNodeNs.toFixed(0)} ns (median fit b, ${fmt(median(slopes))} ms per MiB of 56-byte nodes, ` +
      `helper thread included), gcsim ${perNodeNs} ns (objectCopied + ${GCSIM_NODE_BYTES / 8} wordCopied + 2 slotScanned = ` +
      `${fmt((perNodeNs * MiB) / V8_NODE_BYTES / 1e6)} ms per MiB of V8 nodes): ${ratio(v8PerNodeNs / perNodeNs)}× apart.`,
  );
  return out;
}
