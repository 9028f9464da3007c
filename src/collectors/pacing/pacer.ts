/**
 * The pacer of incremental and concurrent marking: when the next cycle
 * starts, how fast the sweep that follows a cycle must go, and how much
 * marking a byte of allocation owes. Pure arithmetic over byte counts, so it
 * is tested without a heap. Sources: Go's GC pacer (the cons/mark ratio and
 * trigger bounds of the 2021 redesign, golang/proposal
 * design/44167-gc-pacer-redesign.md; its two-cycle moving average, golang/go
 * commit 1073818f; proportional sweep, runtime/mgcsweep.go) and MMTk's
 * ConcurrentImmix (first cycle when half the heap has been allocated).
 */

/** What the trigger is computed from, after a cycle ends. */
export interface TriggerInput {
  /** The space the collector manages (bytes). */
  heapBytes: number;
  /** Bytes the last cycle marked live, floating garbage included: they stay allocated until the next sweep (0 before the first). */
  liveBytes: number;
  /** Bytes the next cycle is expected to scan: what was reachable when the last one ended (0 before the first). */
  scanBytes: number;
  /** Bytes allocated during marking per byte marked (smoothed); null before any cycle completed. */
  consMarkRatio: number | null;
  /** A fixed share of the free space (`--opt trigger=NN%`), or null for auto. */
  fixedShare: number | null;
}

/** Lower and upper bounds of the trigger, as shares of the free space (the redesign keeps the trigger within bounds too). */
export const TRIGGER_MIN_SHARE = 0.05;
export const TRIGGER_MAX_SHARE = 0.95;
/**
 * The runway is this many times the expected allocation during the next
 * cycle: a margin for free-list waste (segregated fits cannot use every free
 * byte) and for cycles that mark more than the last. Chosen, not derived: on
 * GCBench (64 MiB) and request-server (16 MiB), 1.5 left concurrent cycles so
 * late that assists cut GCBench's MMU at 1 ms to 43%, and 3 started
 * incremental cycles so early on request-server that they came back to back.
 */
export const RUNWAY_MARGIN = 2;

/**
 * Bytes the mutator may allocate after a cycle ends before the next starts:
 * the free space H - L less the runway the next cycle needs (the bytes it
 * will see allocated while it marks, r x S with r the cons/mark ratio and S
 * the bytes it will scan, times RUNWAY_MARGIN), kept within [5%, 95%] of the
 * free space. S is what was reachable when the last cycle ended, not L:
 * floating garbage occupies the heap but is not scanned again. Before any cycle:
 * half the free space. With a fixed share: that share of it.
 */
export function triggerBytes(t: TriggerInput): number {
  const free = Math.max(0, t.heapBytes - t.liveBytes);
  if (t.fixedShare !== null) return Math.floor(free * t.fixedShare);
  if (t.consMarkRatio === null) return Math.floor(free / 2);
  const runway = t.consMarkRatio * t.scanBytes * RUNWAY_MARGIN;
  return Math.floor(Math.min(Math.max(free - runway, free * TRIGGER_MIN_SHARE), free * TRIGGER_MAX_SHARE));
}

/** The two-cycle moving average of the cons/mark ratio (golang/go 1073818f): the mean of the last two cycles' ratios. */
export function smoothConsMark(previous: number | null, latest: number): number {
  return previous === null ? latest : (previous + latest) / 2;
}

/** The cons/mark ratio of one cycle: bytes allocated during it per byte it marked (0 if it marked nothing). */
export function consMarkRatio(allocatedDuring: number, markedBytes: number): number {
  return markedBytes > 0 ? allocatedDuring / markedBytes : 0;
}

/**
 * Proportional sweep (Go's sweep pacing): the lazy sweep of `spaceBytes` in
 * steps of `stepBytes` must be done within the first 3/4 of the allocation
 * before the next trigger, so one step is swept per this many bytes
 * allocated (at least 1). What is left at the trigger is swept inside the
 * initial-mark pause.
 */
export function sweepPace(triggerAfterBytes: number, spaceBytes: number, stepBytes: number): number {
  const steps = Math.max(1, Math.ceil(spaceBytes / stepBytes));
  return Math.max(1, Math.floor((triggerAfterBytes * 0.75) / steps));
}

/**
 * Bytes of marking owed per byte allocated during a cycle (Go's assist
 * ratio): the bytes the cycle is expected to scan over the free bytes it
 * starts with, less a reserve of 1/8 of them that the assists keep in hand.
 */
export function assistRatio(expectedScanBytes: number, freeBytesAtStart: number): number {
  const usable = freeBytesAtStart - freeBytesAtStart / 8;
  return usable > 0 ? expectedScanBytes / usable : Infinity;
}
