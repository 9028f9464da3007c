/**
 * The self-contained HTML report: one file with the charting library
 * (Chart.js) and the data inlined, readable from disk with no network, and
 * printable. It draws what GC results are read as:
 *   - a summary table (compare's figures) with what produced them;
 *   - heap occupancy over simulated time per run, collections marked by kind;
 *   - pause-time distribution per collector (p50-p99 box, max, on a log axis);
 *   - MMU curves for every run on one chart;
 *   - from a sweep, GC time and p99 pause against the heap factor, with
 *     out-of-memory points shown as such.
 * Every collector configuration (label) keeps one colour across all charts. Charts are drawn by
 * the page script from the embedded data; this module only assembles HTML.
 * Results files can be crafted: every string taken from them is escaped
 * (escapeHtml in the page, scriptJson in the embedded data, which the page
 * only draws on canvases), and src/report/read.ts has checked every field's type.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { collectorNames } from "../collectors/registry.js";
import { formatBytes } from "./format.js";
import { labelOf, MMU_WINDOWS_MS, type RunResult } from "./result.js";
import { withOverheadVsNone } from "./overhead.js";
import { summaryLines } from "./summary.js";
import { demographicsHtml } from "./demographics.js";
import { pauseHistogram, pauseHistogramSvg } from "./pause-histogram.js";
import { COMPARISON_COLUMNS, comparisonCells, NOT_MEASURED, runLabel } from "./table.js";

const PALETTE = ["#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354"];
/** Most points drawn per occupancy chart; longer timelines are thinned evenly (the longest pause is always kept). */
const MAX_TIMELINE_POINTS = 600;

/**
 * A colour per label: a collector with no options set keeps its registry colour in
 * every report; each variant takes the next colour no other label in the report uses.
 */
function colours(results: RunResult[]): Record<string, string> {
  // No prototype: a label from a results file ("__proto__", "constructor") is an ordinary key here.
  const byLabel: Record<string, string> = Object.assign(
    Object.create(null) as Record<string, string>,
    Object.fromEntries(collectorNames.map((name, i) => [name, PALETTE[i % PALETTE.length]])),
  );
  const labels = [...new Set(results.map(labelOf))];
  const used = new Set(labels.filter((l) => Object.hasOwn(byLabel, l)).map((l) => byLabel[l]));
  let next = 0;
  for (const label of labels) {
    if (Object.hasOwn(byLabel, label)) continue;
    while (next < PALETTE.length && used.has(PALETTE[next])) next++;
    byLabel[label] = PALETTE[next % PALETTE.length];
    next++;
    used.add(byLabel[label]);
  }
  return byLabel;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function thin<T extends { pauseNs: number }>(rows: T[]): T[] {
  if (rows.length <= MAX_TIMELINE_POINTS) return rows;
  const stride = Math.ceil(rows.length / MAX_TIMELINE_POINTS);
  let longest = 0;
  rows.forEach((r, i) => {
    if (r.pauseNs > rows[longest].pauseNs) longest = i;
  });
  return rows.filter((_, i) => i % stride === 0 || i === longest);
}

function chartData(results: RunResult[]) {
  const workloads = new Set(results.map((r) => r.workload));
  // From a sweep, MMU curves are drawn at one heap factor: 2 if swept, else the largest.
  const factors = results.filter((r) => r.sweep).map((r) => r.sweep!.factor);
  const mmuFactor = factors.includes(2) ? 2 : Math.max(...factors);
  return {
    colours: colours(results),
    mmuWindows: MMU_WINDOWS_MS,
    runs: results.map((r, i) => ({
      id: i,
      label: [labelOf(r), workloads.size > 1 ? r.workload : "", r.sweep ? `${r.sweep.factor}×` : ""].filter(Boolean).join(" "),
      // Charts colour and group by configuration: variants of one collector are apart.
      collector: labelOf(r),
      workload: r.workload,
      heapBytes: r.heapBytes,
      outcome: r.outcome,
      pauses: { p50: r.pauses.p50, p99: r.pauses.p99, max: r.pauses.max, count: r.pauses.count },
      mmu: r.mmu,
      timeNs: r.time.total,
      gcNs: r.time.gc,
      sweep: r.sweep,
      inMmu: r.outcome === "completed" && (!r.sweep || r.sweep.factor === mmuFactor),
      timeline: r.timeline
        ? thin(r.timeline).map((t) => ({
            startNs: Math.round(t.startNs),
            pauseNs: Math.round(t.pauseNs),
            kind: t.kind,
            usedBefore: t.usedBefore,
            usedAfter: t.usedAfter,
            liveAfter: t.liveAfter,
            footprint: t.footprint,
          }))
        : undefined,
    })),
  };
}

function summaryTables(results: RunResult[]): string {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.workload}|${JSON.stringify(r.params)}|${r.seed}|${r.sweep ? "sweep" : r.heapBytes}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()]
    .map((group) => {
      const first = group[0];
      const params = Object.entries(first.params).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
      const heaps = [...new Set(group.map((r) => formatBytes(r.heapBytes)))].join(", ");
      const head = ["collector", "heap", "outcome", ...COMPARISON_COLUMNS.map((c) => c.title)];
      const rows = group.map((r) => {
        const peers = group.filter((g) => g.outcome === "completed" && g.heapBytes === r.heapBytes);
        const cells =
          r.outcome === "completed"
            ? comparisonCells(r, peers).map((cell) => `<td${cell.best ? ' class="best"' : ""}>${escapeHtml(cell.text)}</td>`)
            : COMPARISON_COLUMNS.map(() => `<td>${NOT_MEASURED}</td>`);
        const palette = colours(results);
        const label = labelOf(r);
        const swatch = `<span class="swatch" style="background:${escapeHtml(Object.hasOwn(palette, label) ? palette[label] : "#333")}"></span>`;
        const factor = r.sweep ? escapeHtml(` (${r.sweep.factor}×)`) : "";
        return `<tr><th>${swatch}${escapeHtml(runLabel(r))}</th><td>${escapeHtml(formatBytes(r.heapBytes))}${factor}</td><td class="${escapeHtml(r.outcome)}">${escapeHtml(r.outcome)}</td>${cells.join("")}</tr>`;
      });
      // The summary of each comparison: the runs at one heap (one per heap factor from a sweep).
      const summaries = [...new Set(group.map((r) => r.heapBytes))].flatMap((heap) => {
        const atHeap = group.filter((r) => r.heapBytes === heap);
        const lines = summaryLines(atHeap);
        if (lines.length === 0) return [];
        const factor = atHeap[0].sweep ? ` (${atHeap[0].sweep.factor}×)` : "";
        return [`<div class="summary"><p><b>Summary</b>, heap ${escapeHtml(formatBytes(heap) + factor)}</p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul></div>`];
      });
      const costs = Object.entries(first.costModel).map(([k, v]) => `${k} ${v}`).join(", ");
      return `<h3>${escapeHtml(first.workload)}</h3>
<p class="meta">parameters: ${escapeHtml(params)} · seed ${escapeHtml(String(first.seed))} · heap ${escapeHtml(heaps)} · gcsim ${escapeHtml(first.gcsim)}</p>
<details class="meta"><summary>cost model (simulated ns)</summary><p>${escapeHtml(costs)}</p></details>
<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>
${summaries.join("\n")}`;
    })
    .join("\n");
}

export function renderHtmlReport(given: RunResult[]): string {
  if (given.length === 0) throw new Error("a report needs at least one result");
  // Results of separate runs (gcsim report a.json b.json) are measured against a none run among them too.
  const results = withOverheadVsNone(given);
  // The UMD bundle is not among the package's exports; it sits beside the entry point.
  const chartJsDir = dirname(createRequire(import.meta.url).resolve("chart.js"));
  const chartJs = readFileSync(join(chartJsDir, "chart.umd.min.js"), "utf8");
  const withTimeline = results.filter((r) => r.timeline && r.timeline.length > 0);
  const swept = results.some((r) => r.sweep);
  const occupancy = withTimeline
    .map((r) => `<figure><canvas class="gcsim-chart" id="occupancy-${results.indexOf(r)}"></canvas></figure>`)
    .join("\n");
  // Static SVG, drawn here: readable without the page script.
  const histograms = withTimeline
    .map((r) => {
      const h = pauseHistogram(r.timeline!);
      return h ? `<div class="svg">${pauseHistogramSvg(h, `${r.workload} under ${labelOf(r)}: pauses per kind`)}</div>` : "";
    })
    .join("\n");
  const demographics = results.map(demographicsHtml).filter((html) => html !== "").join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gcsim report — ${escapeHtml([...new Set(results.map((r) => r.workload))].join(", "))}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 12px; width: 100%; } th, td { padding: 3px 6px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 1px solid #999; }
td.best { font-weight: bold; color: #14661f; } td.out-of-memory, td.error { color: #b00020; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.meta { color: #555; font-size: 12px; margin: 0.2rem 0; }
figure { margin: 1rem 0; height: 320px; position: relative; break-inside: avoid; }
.note { color: #555; font-size: 12px; }
.svg { margin: 0.6rem 0; } .demographics table { margin-top: 0.6rem; }
.summary { font-size: 13px; margin: 0.4rem 0 1rem; } .summary p { margin: 0.2rem 0; } .summary ul { margin: 0.2rem 0; padding-left: 1.4rem; }
@media print { body { margin: 0; max-width: none; } figure { height: 260px; } details { display: none; } }
</style>
</head>
<body>
<h1>gcsim report</h1>
<p class="meta">Simulated times from the deterministic cost model; wall-clock figures are not shown. Generated by gcsim ${escapeHtml(results[0].gcsim)}.</p>
<h2>Summary</h2>
${summaryTables(results)}
${withTimeline.length > 0 ? `<h2>Heap occupancy over time</h2>\n<p class="note">Heap in use before and after each pause, live data after full collections, and footprint; each collection is marked by kind.</p>\n${occupancy}` : ""}
<h2>Pause times</h2>
<p class="note">Box from p50 to p99, with markers at p50, p99 and the longest pause (log scale).</p>
<figure><canvas class="gcsim-chart" id="pauses"></canvas></figure>
${histograms ? `<h3>Pause histograms</h3>\n<p class="note">Pauses of each kind per log2 bucket of simulated duration.</p>\n${histograms}` : ""}
<h2>Minimum mutator utilisation</h2>
<p class="note">For each window length, the worst fraction of any window of that length left to the mutator (Cheng and Blelloch 2001).</p>
<figure><canvas class="gcsim-chart" id="mmu"></canvas></figure>
${swept ? `<h2>Heap size</h2>\n<p class="note">Heap as a multiple of the reference minimum heap; crosses mark runs that ran out of memory.</p>\n<figure><canvas class="gcsim-chart" id="sweep-gc"></canvas></figure>\n<figure><canvas class="gcsim-chart" id="sweep-p99"></canvas></figure>` : ""}
${demographics ? `<h2>Object demographics and drag</h2>\n<p class="note">From --demographics: lifetime and size histograms, and allocation sites ranked by bytes promoted, then bytes. Drag is shown as the bytes held past their last use, averaged over the run's allocation.</p>\n${demographics}` : ""}
<script>${chartJs}</script>
<script type="application/json" id="gcsim-data">${scriptJson(chartData(results))}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** Runs in the browser: builds every chart from the embedded data. */
const PAGE_SCRIPT = `
"use strict";
const data = JSON.parse(document.getElementById("gcsim-data").textContent);
const colour = (name) => (Object.hasOwn(data.colours, name) ? data.colours[name] : "#333");
const ms = (ns) => ns / 1e6;
const mib = (bytes) => bytes / 1048576;
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.size = 12;
const title = (text) => ({ display: true, text, font: { size: 14, weight: "bold" } });
const axis = (text, extra) => Object.assign({ title: { display: true, text } }, extra || {});
const completed = data.runs.filter((r) => r.outcome === "completed");

// Heap occupancy, one chart per run with a timeline.
const KIND_STYLE = { full: "circle", minor: "triangle", major: "rectRot", "rc-cascade": "crossRot", cycle: "star", coalesce: "rect", "backup-trace": "rectRounded" };
for (const run of data.runs) {
  const canvas = document.getElementById("occupancy-" + run.id);
  if (!canvas || !run.timeline) continue;
  const used = [];
  const footprint = [];
  const live = [];
  const byKind = {};
  for (const row of run.timeline) {
    const start = ms(row.startNs);
    const end = ms(row.startNs + row.pauseNs);
    used.push({ x: start, y: mib(row.usedBefore) }, { x: end, y: mib(row.usedAfter) });
    footprint.push({ x: end, y: mib(row.footprint) });
    if (row.liveAfter !== null) live.push({ x: end, y: mib(row.liveAfter) });
    (byKind[row.kind] = byKind[row.kind] || []).push({ x: start, y: mib(row.usedBefore) });
  }
  const c = colour(run.collector);
  const datasets = [
    { label: "in use", data: used, borderColor: c, backgroundColor: c, showLine: true, pointRadius: 0, borderWidth: 1.5 },
    { label: "footprint", data: footprint, borderColor: "#999", borderDash: [4, 3], showLine: true, stepped: true, pointRadius: 0, borderWidth: 1 },
    { label: "live after full collection", data: live, borderColor: "#000", backgroundColor: "#000", pointRadius: 2.5, showLine: false },
  ];
  for (const kind of Object.keys(byKind)) {
    datasets.push({ label: kind + " collection", data: byKind[kind], pointStyle: KIND_STYLE[kind] || "circle", pointRadius: 4, borderColor: c, backgroundColor: "transparent", showLine: false });
  }
  new Chart(canvas, {
    type: "scatter",
    data: { datasets },
    options: {
      plugins: { title: title("Heap occupancy — " + run.label + " (heap " + mib(run.heapBytes).toFixed(1) + " MiB)") },
      scales: { x: axis("simulated time (ms)"), y: axis("MiB", { beginAtZero: true }) },
    },
  });
}

// Pause distribution: p50-p99 box, markers at p50, p99, max; log scale.
{
  const withPauses = completed.filter((r) => r.pauses.count > 0);
  const labels = withPauses.map((r) => r.label);
  const floor = (ns) => Math.max(ms(ns), 1e-6);
  const marker = (key, style) => ({
    type: "scatter",
    label: key,
    data: withPauses.map((r) => ({ x: r.label, y: floor(r.pauses[key]) })),
    pointStyle: style,
    pointRadius: 6,
    borderColor: "#222",
    backgroundColor: withPauses.map((r) => colour(r.collector)),
  });
  new Chart(document.getElementById("pauses"), {
    type: "bar",
    data: {
      labels,
      datasets: [
        { type: "bar", label: "p50 to p99", data: withPauses.map((r) => [floor(r.pauses.p50), floor(r.pauses.p99)]), backgroundColor: withPauses.map((r) => colour(r.collector) + "99"), borderColor: withPauses.map((r) => colour(r.collector)), borderWidth: 1 },
        marker("p50", "line"),
        marker("p99", "rectRot"),
        marker("max", "triangle"),
      ],
    },
    options: {
      plugins: { title: title("Pause time by collector") },
      scales: { x: axis("collector"), y: axis("pause (simulated ms)", { type: "logarithmic" }) },
    },
  });
}

// MMU curves.
new Chart(document.getElementById("mmu"), {
  type: "line",
  data: {
    datasets: data.runs.filter((r) => r.inMmu).map((r) => ({
      label: r.label,
      data: data.mmuWindows.filter((w) => r.mmu[w + "ms"] !== null).map((w) => ({ x: w, y: r.mmu[w + "ms"] })),
      borderColor: colour(r.collector),
      backgroundColor: colour(r.collector),
      pointRadius: 3,
    })),
  },
  options: {
    plugins: { title: title("Minimum mutator utilisation") },
    scales: { x: axis("window (simulated ms)", { type: "logarithmic", min: 1, max: 100 }), y: axis("utilisation", { min: 0, max: 1 }) },
  },
});

// Sweep: GC time and p99 pause against heap factor.
for (const [id, key, label] of [["sweep-gc", "gcNs", "GC time (simulated ms)"], ["sweep-p99", "p99", "p99 pause (simulated ms)"]]) {
  const canvas = document.getElementById(id);
  if (!canvas) continue;
  const collectors = [...new Set(data.runs.filter((r) => r.sweep).map((r) => r.collector))];
  const value = (r) => ms(key === "gcNs" ? r.gcNs : r.pauses.p99);
  const datasets = collectors.map((name) => ({
    label: name,
    data: data.runs.filter((r) => r.sweep && r.collector === name && r.outcome === "completed").map((r) => ({ x: r.sweep.factor, y: value(r) })),
    borderColor: colour(name),
    backgroundColor: colour(name),
    showLine: true,
    pointRadius: 3,
  }));
  const failed = data.runs.filter((r) => r.sweep && r.outcome !== "completed");
  if (failed.length > 0) {
    datasets.push({ label: "out of memory", data: failed.map((r) => ({ x: r.sweep.factor, y: 0 })), pointStyle: "crossRot", pointRadius: 8, borderWidth: 2, borderColor: failed.map((r) => colour(r.collector)), showLine: false });
  }
  new Chart(canvas, {
    type: "scatter",
    data: { datasets },
    options: {
      plugins: { title: title(label.replace(/ \\(.*/, "") + " against heap size") },
      scales: { x: axis("heap / reference minimum heap"), y: axis(label, { beginAtZero: true }) },
    },
  });
}
`;
