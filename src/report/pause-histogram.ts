/**
 * The pause histogram of the HTML report: how many pauses of each kind fell
 * in each log2 bucket of simulated duration, [2^k, 2^(k+1)) ns, from a run's
 * timeline, drawn as static SVG (no script, no network: it reads in any
 * browser and in print).
 */
import { formatNs } from "./format.js";
import type { TimelineRow } from "./result.js";

export interface PauseHistogram {
  /** Lower bound of the first bucket (ns, a power of two); bucket i is [firstNs * 2^i, firstNs * 2^(i+1)). */
  firstNs: number;
  /** Kinds in order of first appearance, each with its count per bucket. */
  kinds: { kind: string; counts: number[] }[];
}

/** Log2 bucket index of a duration: floor(log2(ns)); a pause under 1 ns falls in the 1 ns bucket. */
function log2Bucket(ns: number): number {
  return ns < 1 ? 0 : Math.floor(Math.log2(ns));
}

/** Counts a timeline's pauses per kind and log2 duration bucket; null for a run without pauses. */
export function pauseHistogram(rows: readonly Pick<TimelineRow, "kind" | "pauseNs">[]): PauseHistogram | null {
  if (rows.length === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const b = log2Bucket(r.pauseNs);
    lo = Math.min(lo, b);
    hi = Math.max(hi, b);
  }
  const kinds = new Map<string, number[]>();
  for (const r of rows) {
    let counts = kinds.get(r.kind);
    if (!counts) kinds.set(r.kind, (counts = new Array<number>(hi - lo + 1).fill(0)));
    counts[log2Bucket(r.pauseNs) - lo]++;
  }
  return { firstNs: 2 ** lo, kinds: [...kinds].map(([kind, counts]) => ({ kind, counts })) };
}

const KIND_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The histogram as SVG: per bucket, one bar per kind side by side; bar height on a log scale of the count. */
export function pauseHistogramSvg(h: PauseHistogram, title: string): string {
  const width = 640;
  const height = 200;
  const left = 40;
  const bottom = 44;
  const top = 42;
  const buckets = h.kinds[0].counts.length;
  const max = Math.max(1, ...h.kinds.flatMap((k) => k.counts));
  const group = (width - left - 10) / buckets;
  const bar = Math.max(1, (group - 4) / h.kinds.length);
  // log10(count + 1): one pause still shows, a thousand does not flatten the rest.
  const scale = (n: number) => ((height - top - bottom) * Math.log10(n + 1)) / Math.log10(max + 1);
  const parts: string[] = [];
  h.kinds.forEach((k, j) => {
    const colour = KIND_COLOURS[j % KIND_COLOURS.length];
    parts.push(`<rect x="${left + j * 90}" y="20" width="10" height="10" fill="${colour}"/><text x="${left + 14 + j * 90}" y="29" font-size="11">${escapeHtml(k.kind)}</text>`);
    k.counts.forEach((n, i) => {
      if (n === 0) return;
      const hgt = scale(n);
      const x = left + i * group + j * bar;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(height - bottom - hgt).toFixed(1)}" width="${bar.toFixed(1)}" height="${hgt.toFixed(1)}" fill="${colour}">` +
          `<title>${escapeHtml(k.kind)}: ${n} pauses in [${formatNs(h.firstNs * 2 ** i)}, ${formatNs(h.firstNs * 2 ** (i + 1))})</title></rect>`,
      );
    });
  });
  const step = Math.ceil(buckets / 10);
  for (let i = 0; i < buckets; i += step) {
    parts.push(`<text x="${(left + i * group).toFixed(1)}" y="${height - bottom + 14}" font-size="10">${escapeHtml(formatNs(h.firstNs * 2 ** i))}</text>`);
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<text x="0" y="12" font-size="12">${escapeHtml(title)}</text>` +
    `<text x="0" y="${top + 10}" font-size="10">${max}</text>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" stroke="#888"/>` +
    parts.join("") +
    `<text x="${left}" y="${height - 10}" font-size="10">simulated pause duration, log2 buckets; bar height: log of the count</text>` +
    `</svg>`
  );
}
