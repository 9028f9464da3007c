/**
 * Pause statistics and minimum mutator utilisation, by the field's definitions.
 *
 * Percentiles are nearest-rank: the p-th percentile of n sorted values is the
 * value at rank ceil(p/100 * n) (1-based).
 *
 * MMU (Cheng and Blelloch, PLDI 2001): for a window length w, the minimum over
 * every window [t, t + w] inside the run [0, T] of the fraction of the window
 * not spent in pauses. The minimum is attained by a window that starts at a
 * pause's start or ends at a pause's end (or at the run's edges), so only those
 * candidates are examined, each in O(log n) with prefix sums of pause time.
 */

export interface PauseSummary {
  count: number;
  total: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function nearestRank(sorted: ArrayLike<number>, percentile: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarisePauses(durations: ArrayLike<number>): PauseSummary {
  const sorted = Float64Array.from(durations).sort();
  let total = 0;
  for (const d of sorted) total += d;
  const n = sorted.length;
  return {
    count: n,
    total,
    mean: n > 0 ? total / n : 0,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    max: n > 0 ? sorted[n - 1] : 0,
  };
}

/**
 * MMU for one window length. `starts` and `durations` describe the pauses in
 * time order (non-overlapping); `end` is the run's total length T. Returns
 * null when the window is longer than the run.
 */
export function minimumMutatorUtilisation(
  starts: ArrayLike<number>,
  durations: ArrayLike<number>,
  end: number,
  window: number,
): number | null {
  if (window > end || window <= 0) return null;
  const n = starts.length;
  // prefix[i] = pause time in pauses 0..i-1
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + durations[i];
  /**
   * Pause time in [0, t], for non-decreasing t: `cursor` is the number of
   * pauses starting before t, and only moves forward.
   */
  const pausedBefore = (t: number, cursor: { at: number }): number => {
    while (cursor.at < n && starts[cursor.at] < t) cursor.at++;
    if (cursor.at === 0) return 0;
    const i = cursor.at - 1;
    return prefix[i] + Math.min(durations[i], t - starts[i]);
  };
  const atStart = { at: 0 };
  const atEnd = { at: 0 };
  let worst = 1;
  const consider = (t: number) => {
    const start = Math.min(Math.max(t, 0), end - window);
    const paused = pausedBefore(start + window, atEnd) - pausedBefore(start, atStart);
    const utilisation = (window - paused) / window;
    if (utilisation < worst) worst = utilisation;
  };
  // Candidate windows, visited in increasing order of their (clamped) start: each pause's start,
  // and the start of the window ending where each pause ends. Both sequences are sorted; merge them.
  let i = 0;
  let j = 0;
  while (i < n || j < n) {
    const a = i < n ? starts[i] : Infinity;
    const b = j < n ? starts[j] + durations[j] - window : Infinity;
    if (a <= b) {
      consider(a);
      i++;
    } else {
      consider(b);
      j++;
    }
  }
  consider(end - window);
  return Math.max(0, worst);
}
