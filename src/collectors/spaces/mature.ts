/**
 * What a generational plan needs of its mature space, and what the mature
 * space needs of the young generation in front of it. A free-list space
 * (collected by mark-sweep) and a compact space (collected by sliding
 * compaction) both serve; the plan picks one when it is built and never
 * asks which it has.
 */
import type { Region } from "../../heap/heap.js";
import type { Recorder } from "../../metrics/recorder.js";
import type { RememberingBarrier } from "../barriers/barrier.js";

export interface MatureSpace {
  readonly start: number;
  readonly end: number;
  /**
   * True for a space that sweeps the plan's large-object space itself, in a
   * major collection, before it promotes (a free-list space: the pages of
   * dead large objects must be back in the budget first); otherwise the
   * plan sweeps it after (a compaction reads the large objects' marks).
   */
  readonly sweepsLargeObjects?: boolean;
  /** Objects above this size go straight to the mature space's own large-object space, never to the nursery; absent: no such limit. */
  readonly largeObjectBytes?: number;
  /** Zeroed memory for a promoted or pretenured object, or 0. */
  allocMature(bytes: number): number;
  /**
   * Bytes a minor collection can count on promoting, objects of at most
   * `largestYoungObject` bytes each (HotSpot's promotion guarantee).
   */
  promotionRoom(largestYoungObject: number): number;
  /** One past the last byte that may hold a mature cell, with the space made parseable up to there. */
  parseableTop(): number;
  footprint(): number;
  /** A space that formats free chunks outside sweeps (Immix's bump regions) reports them to the plan's barrier. */
  watchCells?(barrier: RememberingBarrier): void;
  /** A free-list space: gives back at least `bytes` of committed memory if its free pages allow (see LargeObjectNeighbour). */
  releaseFreePages?(bytes: number): void;
  fragmentation(): number;
  /** Figures of the space's own, added to the plan's collector figures (the Immix space's). */
  figures?(): Record<string, number>;
  /**
   * The rest of a major collection once everything reachable (`liveBytes`) is
   * marked: reclaim the dead mature objects and take in the young survivors,
   * leaving the barrier consistent. Returns false, before reclaiming
   * anything, when the live data cannot fit.
   */
  collectWithNursery(young: YoungGeneration, barrier: RememberingBarrier, recorder: Recorder, liveBytes: number): boolean;
}

export interface YoungGeneration {
  /** Regions holding young objects, in address order. */
  regions(): Region[];
  /** Copies out every survivor; with `promoteAll`, every one goes to the mature space. */
  evacuate(promoteAll: boolean): void;
  /** Bytes of marked objects in the young regions (before a compaction moves them). */
  markedBytes(): number;
  /** Forgets every young object (a compaction has moved the survivors out); counts them as promoted. */
  emptied(promotedBytes: number): void;
  /** Where a compaction may slide survivors that do not fit the mature space: the bottom of eden, up to its end. */
  readonly edenStart: number;
  readonly edenEnd: number;
  /**
   * A compaction that overflowed the mature space left `objects` survivors in
   * [edenStart, top) (HotSpot Serial's full collection does the same): they
   * stay young, eden allocates above them, and the rest of the young
   * survivors (`promotedBytes`) count as promoted.
   */
  keptInEden(top: number, objects: number, promotedBytes: number): void;
}
