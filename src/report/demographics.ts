/**
 * Demographics and drag as people read them: the site table printed after a
 * run's summary, the demographics CSV (--demographics-csv: one long-format
 * file of sites, lifetime and size buckets and the never-used-again report),
 * and the HTML report's lifetime histogram and site table. The figures
 * themselves come from src/metrics/demographics.ts; this module only
 * renders them.
 */
import type { ChalkInstance } from "chalk";
import type { stringify as Stringify } from "csv-stringify/sync";
import type { DemographicsResult, HistogramBucket } from "../metrics/demographics.js";
import { lazyRequire } from "../util/lazy.js";
import { formatBytes, formatCount, formatPercent } from "./format.js";
import { labelOf, type RunResult } from "./result.js";

const csv = lazyRequire<{ stringify: typeof Stringify }>("csv-stringify/sync");

/** Sites shown in the terminal and the HTML report (the CSV and JSON have them all). */
export const SITES_SHOWN = 20;

/** Drag in byte x bytes allocated, shown as its mean: the bytes held past their last use, averaged over the run. */
function dragText(drag: number, allocated: number): string {
  return allocated > 0 ? `${formatBytes(Math.round(drag / allocated))} avg` : "-";
}

/** The site table and the drag lines, after a run's summary table (gcsim run --demographics). */
export function renderDemographicsText(r: RunResult, c: ChalkInstance): string {
  const d = r.demographics;
  if (!d) return "";
  const allocated = d.bytes;
  const head = ["site", "objects", "bytes", "survived 1st GC", "promoted", "mean lifetime", "drag", "drag after death"];
  const rows = d.sites.slice(0, SITES_SHOWN).map((s) => [
    s.site,
    formatCount(s.objects),
    formatBytes(s.bytes),
    s.survivedFirstCollection === null ? "-" : formatPercent(s.survivedFirstCollection),
    s.promotedBytes === null ? "-" : formatBytes(s.promotedBytes),
    s.meanLifetime === null ? "-" : formatBytes(s.meanLifetime),
    dragText(s.drag, allocated),
    dragText(s.dragAfterDeath, allocated),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  const lines = [
    "",
    c.bold(`Allocation sites${d.sites.length > SITES_SHOWN ? ` (top ${SITES_SHOWN} of ${d.sites.length})` : ""}, by bytes promoted then bytes`),
    c.dim(line(head)),
    ...rows.map(line),
    "",
    `lifetimes in bytes allocated, death times late by at most ${formatBytes(d.deathPrecisionBytes)} (${formatCount(d.censuses)} censuses); reclamation ${d.reclamation}`,
    `drag ${dragText(d.drag.total, allocated)} held past last use (${dragText(d.drag.afterDeath, allocated)} after death, ${dragText(d.drag.reachableAtEnd, allocated)} by objects reachable at the end)`,
  ];
  const unused = d.unusedAtEnd;
  if (unused.objects > 0) {
    lines.push(`reachable at the end but unused for ${formatBytes(unused.idleAtLeast)} allocated: ${formatCount(unused.objects)} objects, ${formatBytes(unused.bytes)}`);
    for (const s of unused.sites.slice(0, 5)) lines.push(`  ${s.site}: ${formatCount(s.objects)} objects, ${formatBytes(s.bytes)}`);
  }
  return lines.join("\n");
}

/** The demographics CSV's columns; later ones are appended, never inserted. */
export const DEMOGRAPHICS_CSV_COLUMNS = [
  "table",
  "workload",
  "label",
  "site",
  "fromBytes",
  "toBytes",
  "objects",
  "bytes",
  "survivedFirstCollection",
  "promotedBytes",
  "promotedObjects",
  "meanLifetime",
  "died",
  "drag",
  "dragAfterDeath",
] as const;
type Column = (typeof DEMOGRAPHICS_CSV_COLUMNS)[number];

/**
 * Every run's demographics in one long-format CSV: `table` says what a row
 * is - site, lifetime (bucket), size (bucket) or unused-at-end (site) - and
 * the columns that do not apply to it are empty. Runs without demographics
 * have no rows.
 */
export function renderDemographicsCsv(results: RunResult[]): string {
  const rows: Partial<Record<Column, unknown>>[] = [];
  for (const r of results) {
    const d = r.demographics;
    if (!d) continue;
    const run = { workload: r.workload, label: labelOf(r) };
    for (const s of d.sites) rows.push({ table: "site", ...run, ...s });
    for (const b of d.lifetimes) rows.push({ table: "lifetime", ...run, ...b });
    for (const b of d.sizes) rows.push({ table: "size", ...run, ...b });
    for (const s of d.unusedAtEnd.sites) rows.push({ table: "unused-at-end", ...run, ...s });
  }
  return csv().stringify([[...DEMOGRAPHICS_CSV_COLUMNS], ...rows.map((row) => DEMOGRAPHICS_CSV_COLUMNS.map((c) => row[c] ?? ""))]);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A bar chart of a log2 histogram as static SVG: one bar per bucket, height by `weight` (objects or bytes). */
export function histogramSvg(buckets: readonly HistogramBucket[], weight: "objects" | "bytes", title: string): string {
  const width = 640;
  const height = 180;
  const left = 50;
  const bottom = 40;
  const top = 20;
  const n = Math.max(buckets.length, 1);
  const max = Math.max(1, ...buckets.map((b) => b[weight]));
  const barWidth = (width - left - 10) / n;
  const bars = buckets
    .map((b, i) => {
      const h = ((height - top - bottom) * b[weight]) / max;
      const x = left + i * barWidth;
      const y = height - bottom - h;
      const label = b.fromBytes === 0 ? "0" : formatBytes(b.fromBytes);
      return (
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#4a78b5">` +
        `<title>[${label}, ${formatBytes(b.toBytes)}): ${formatCount(b.objects)} objects, ${formatBytes(b.bytes)}</title></rect>` +
        (i % Math.ceil(n / 12) === 0 ? `<text x="${x.toFixed(1)}" y="${height - bottom + 14}" font-size="10">${escapeHtml(label)}</text>` : "")
      );
    })
    .join("");
  const maxLabel = weight === "bytes" ? formatBytes(max) : formatCount(max);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<text x="${left}" y="12" font-size="12">${escapeHtml(title)}</text>` +
    `<text x="0" y="${top + 10}" font-size="10">${escapeHtml(maxLabel)}</text>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" stroke="#888"/>` +
    bars +
    `<text x="${left}" y="${height - 8}" font-size="10">log2 buckets, from the value shown (inclusive) to the next (exclusive)</text>` +
    `</svg>`
  );
}

/** The HTML report's demographics section for one run: lifetime and size histograms and the site table. */
export function demographicsHtml(r: RunResult): string {
  const d: DemographicsResult | undefined = r.demographics;
  if (!d) return "";
  const allocated = d.bytes;
  const cell = (text: string, numeric = true) => `<td${numeric ? ' class="n"' : ""}>${escapeHtml(text)}</td>`;
  const rows = d.sites
    .slice(0, SITES_SHOWN)
    .map(
      (s) =>
        `<tr>${cell(s.site, false)}${cell(formatCount(s.objects))}${cell(formatBytes(s.bytes))}` +
        `${cell(s.survivedFirstCollection === null ? "-" : formatPercent(s.survivedFirstCollection))}` +
        `${cell(s.promotedBytes === null ? "-" : formatBytes(s.promotedBytes))}${cell(s.meanLifetime === null ? "-" : formatBytes(s.meanLifetime))}` +
        `${cell(dragText(s.drag, allocated))}${cell(dragText(s.dragAfterDeath, allocated))}</tr>`,
    )
    .join("\n");
  return `<section class="demographics">
<h3>${escapeHtml(r.workload)} under ${escapeHtml(labelOf(r))}: object demographics</h3>
<p>Lifetimes in bytes allocated between birth and death, of the ${formatCount(d.lifetimes.reduce((n, b) => n + b.objects, 0))} objects that died during the run
(${formatCount(d.liveAtEnd.objects)} still reachable at the end); death times late by at most ${escapeHtml(formatBytes(d.deathPrecisionBytes))}.
Drag: ${escapeHtml(dragText(d.drag.total, allocated))} held past last use, ${escapeHtml(dragText(d.drag.afterDeath, allocated))} of it after death (reclamation ${d.reclamation}).</p>
${histogramSvg(d.lifetimes, "bytes", "lifetimes (bytes of objects per lifetime bucket)")}
${histogramSvg(d.sizes, "objects", "sizes (objects per size bucket)")}
<table>
<thead><tr><th>site</th><th>objects</th><th>bytes</th><th>survived 1st GC</th><th>promoted</th><th>mean lifetime</th><th>drag</th><th>drag after death</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}
