/**
 * The true peak of live memory, measured by exact traces at allocations
 * (the live-size probe). It owns when to trace and what the traces prove;
 * the tracing itself is src/heap/reachable.ts, and the Recorder calls
 * `probe` from its allocation count when the allocated bytes pass `nextAt`.
 *
 * Live bytes at an instant: the bytes of the objects reachable from the
 * roots, plus the object an allocation has just returned (the mutator holds
 * it until it stores it). Live bytes only grow at an allocation, by that
 * object's size; stores, returns and frame pops can only lower them. So:
 *   - a trace at an allocation (after it, where the new object is not yet
 *     rooted) gives the exact live bytes at that instant: traced + its size;
 *   - between probes at allocations p and q, live bytes never exceed
 *     live(p) + the bytes allocated after p and before q.
 * The probe traces at the allocation that would let that bound pass
 * (1 + precision) x the largest exact figure so far, so
 *   peakLive            = the largest exact figure (live bytes at a real instant),
 *   peakLiveUpperBound  = the largest of those bounds (no instant had more),
 * and peakLive >= true peak / (1 + precision) while the budget allows.
 *
 * Budget: a workload that sits at its peak and churns would be traced every
 * precision x peak bytes. Tracing is held to
 *   trace work <= budget x allocated bytes + (1 + 1/precision) x peakLive,
 * (trace work: bytes of the objects traced plus 8 bytes per root slot read)
 * the second term being what one climb from nothing to the peak costs at
 * that precision; past it the probe waits for allocation to pay for the
 * next trace, and the upper bound says what precision that left.
 */

/** Default relative precision of peakLive: the upper bound is at most 1% above it. */
export const DEFAULT_PEAK_LIVE_PRECISION = 0.01;
/** Default tracing budget: bytes traced per byte allocated, beyond one climb to the peak. */
export const DEFAULT_PEAK_LIVE_BUDGET = 2;

/** Counts the bytes reachable from the roots now (src/heap/reachable.ts). */
export interface LiveTracer {
  measure(): number;
  /** Root slots the last measure read. */
  readonly rootSlots: number;
}

export class PeakLiveProbe {
  /** Largest exact live figure seen (bytes). */
  peak = 0;
  /** No instant so far had more live bytes than this. */
  upperBound = 0;
  /** Exact traces made, and their work: bytes of objects traced plus 8 per root slot read. */
  probes = 0;
  traceWork = 0;
  /** Wall-clock ms spent tracing (not deterministic; results' `wall`). */
  wallMs = 0;
  private lastWork = 0;
  /** Live bytes at the last probe, exact, and the allocation count then. */
  private lastLive = 0;
  private allocatedAtProbe = 0;

  constructor(
    private readonly tracer: LiveTracer,
    private readonly precision = DEFAULT_PEAK_LIVE_PRECISION,
    private readonly budget = DEFAULT_PEAK_LIVE_BUDGET,
  ) {
    if (!(precision > 0 && precision <= 1)) throw new RangeError(`peak-live precision must be in (0, 1], got ${precision}`);
    if (!(budget > 0)) throw new RangeError(`peak-live budget must be positive, got ${budget}`);
  }

  /**
   * The allocation count above which the next probe is due. The run starts
   * as a probe that found nothing live, so the first allocation probes.
   */
  nextAt(): number {
    const precise = this.allocatedAtProbe + this.peak * (1 + this.precision) - this.lastLive;
    // The next trace will cost about what the last one did.
    const spent = this.traceWork + this.lastWork - (1 + 1 / this.precision) * this.peak;
    return Math.max(precise, spent / this.budget);
  }

  /**
   * Traces now: just after an allocation of `justAllocated` bytes brought the
   * count to `allocatedBytes`, before the mutator has stored the new object.
   * Returns the allocation count of the next probe.
   */
  probe(allocatedBytes: number, justAllocated: number): number {
    // The interval since the last probe ends just before this allocation.
    this.bound(this.lastLive + (allocatedBytes - justAllocated - this.allocatedAtProbe));
    const started = performance.now();
    const traced = this.tracer.measure();
    this.wallMs += performance.now() - started;
    this.probes++;
    this.lastWork = traced + 8 * this.tracer.rootSlots;
    this.traceWork += this.lastWork;
    this.lastLive = traced + justAllocated;
    this.allocatedAtProbe = allocatedBytes;
    if (this.lastLive > this.peak) this.peak = this.lastLive;
    this.bound(this.lastLive);
    return this.nextAt();
  }

  /** Closes the last interval when the run ends; `finalLive` is exact at the end when known. */
  finish(allocatedBytes: number, finalLive: number | undefined): void {
    this.bound(this.lastLive + (allocatedBytes - this.allocatedAtProbe));
    if (finalLive !== undefined && finalLive > this.peak) this.peak = finalLive;
  }

  private bound(bytes: number): void {
    if (bytes > this.upperBound) this.upperBound = bytes;
  }
}
