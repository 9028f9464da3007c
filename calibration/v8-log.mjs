// Parsing V8's `--trace-gc-nvp` logs and summarising pause distributions.
// Plain Node ESM with no dependencies, shared by compare-v8.mjs and tests/calibration.test.ts.
//
// A GC line of `node --trace-gc-nvp` looks like
//   [4782:0x27aebd50]       32 ms: pause=2.1 mutator=27.1 gc=s reduce_memory=0 time_to_safepoint=0.00 ... promoted=0 new_space_survived=896272 ...
// (one line per GC; `gc=s` a scavenge, `gc=mc` a mark-compact, `gc=mmc` a minor mark-compact).
// Every other line (the program's own output) is ignored.

/** The start of a GC line: `[pid:isolate]  <ms> ms: pause=`. */
const GC_LINE = /^\[\d+:0x[0-9a-fA-F]+\]\s+[\d.]+ ms: (pause=.*)$/;

/**
 * The GC events of one log, in order: `{ gc, pause, fields }` where `gc` is
 * V8's kind ("s", "mc", ...), `pause` the pause in ms (V8 prints it to 0.1 ms)
 * and `fields` every other numeric name=value pair (percentages without the `%`).
 * @param {string} text
 * @returns {{ gc: string, pause: number, fields: Record<string, number> }[]}
 */
export function parseNvpLog(text) {
  const events = [];
  for (const line of text.split("\n")) {
    const m = GC_LINE.exec(line.trimEnd());
    if (!m) continue;
    /** @type {Record<string, number>} */
    const fields = {};
    let gc = "";
    for (const pair of m[1].split(/\s+/)) {
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const key = pair.slice(0, eq);
      const raw = pair.slice(eq + 1);
      if (key === "gc") {
        gc = raw;
        continue;
      }
      const value = Number(raw.endsWith("%") ? raw.slice(0, -1) : raw);
      if (raw !== "" && Number.isFinite(value)) fields[key] = value;
    }
    if (gc === "" || fields.pause === undefined) throw new Error(`malformed GC line (no gc= or pause=): ${line.slice(0, 120)}`);
    const { pause } = fields;
    delete fields.pause;
    events.push({ gc, pause, fields });
  }
  return events;
}

/**
 * Nearest-rank percentile, as gcsim reports them (README, "Pause statistics"):
 * with n values sorted ascending, the p-th percentile is the value at rank ⌈p/100 · n⌉.
 * @param {readonly number[]} sorted ascending
 * @param {number} p in (0, 100]
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** @param {readonly number[]} values */
export function median(values) {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * The statistics the calibration compares: count, p50, p95, max, max/p50,
 * p95/p50 and total, all in the unit of the values (ms here).
 * @param {readonly number[]} values
 */
export function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const max = sorted.length > 0 ? sorted[sorted.length - 1] : NaN;
  let total = 0;
  for (const v of sorted) total += v;
  return { count: sorted.length, p50, p95, max, maxOverP50: max / p50, p95OverP50: p95 / p50, total };
}

/** Bytes a scavenge copied: what it promoted to old space plus what it kept in new space. */
export function copiedBytes(event) {
  return (event.fields.promoted ?? 0) + (event.fields.new_space_survived ?? 0);
}

/**
 * Ordinary least squares of y on x: `{ intercept, slope, r2 }`.
 * @param {readonly number[]} xs
 * @param {readonly number[]} ys
 */
export function linearFit(xs, ys) {
  const n = xs.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx, dy = ys[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope, r2: (sxy * sxy) / (sxx * syy) };
}
