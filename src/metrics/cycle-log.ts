/**
 * Marking cycles as entities of their own, distinct from pauses (MMTk made
 * the same split: mmtk-core#1397 "Make clear distinction between GC and
 * pauses"). An incremental or concurrent collector opens a cycle with
 * Recorder.beginCycle at its initial mark and closes it with endCycle when
 * marking is complete (remark), finished stop-the-world (degenerated) or
 * given up (abandoned); the pauses recorded in between carry its index.
 * A stop-the-world collector never opens one: each of its collections is a
 * one-pause cycle, counted as such where the result is shaped
 * (src/sim/measure.ts), so `cycles.count` means the same under every
 * collector. Cycles are few (one per collection at most), so a record is a
 * plain object.
 */

/** How a cycle ended. `unfinished`: the run ended while it was open. */
export type CycleOutcome = "completed" | "degenerated" | "abandoned" | "unfinished";

export interface CycleRecord {
  /** 0-based, in order. */
  index: number;
  /** Simulated time (elapsed ns) at which the initial-mark pause began. */
  startNs: number;
  /** Simulated time at which the pause that ended marking ended (elapsed ns). */
  endNs: number;
  outcome: CycleOutcome;
  /** Pauses recorded inside the cycle (initial mark, increments, remark or degenerated finish) and their total (ns). */
  pauses: number;
  pauseNs: number;
  /** Collector work done beside the mutator during the cycle (ns on the collector's CPU). */
  concurrentNs: number;
  /** Objects and bytes the cycle marked live: scanned plus allocated black. */
  markedObjects: number;
  markedBytes: number;
  /** Bytes the mutator allocated between the cycle's start and end. */
  allocatedBytes: number;
  /** Heap bytes in use (allocated less freed) at the start and at the end. */
  usedAtStart: number;
  usedAtEnd: number;
  /** Marked objects and bytes that were unreachable when marking ended (floating garbage); 0 for an abandoned cycle. */
  floatingObjects: number;
  floatingBytes: number;
  /** Objects marking barriers greyed during the cycle. */
  barrierShades: number;
}

/** What the collector knows when it closes a cycle; the recorder fills in the rest. */
export interface CycleEnd {
  outcome: CycleOutcome;
  markedObjects: number;
  markedBytes: number;
  floatingObjects: number;
  floatingBytes: number;
}

export class CycleLog {
  readonly records: CycleRecord[] = [];

  get length(): number {
    return this.records.length;
  }

  add(record: CycleRecord): void {
    this.records.push(record);
  }
}
