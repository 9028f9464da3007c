/**
 * Generational write barriers: how stores of young references into mature
 * objects are remembered so a minor collection can find them without
 * walking the mature space. A plan holds one, chosen when it is built:
 * object remembering (object-remset.ts) or card marking (card-table.ts).
 * The plan's writeRef does the store and the cheap address test, and calls
 * `remember` only for a mature-to-young store.
 */
import type { YoungCopier } from "../spaces/nursery.js";

/** A space whose cells can be walked up to its top. */
export interface ParseableSpace {
  /** One past the last byte that may hold a cell, with the space made parseable up to there. */
  parseableTop(): number;
}

export interface RememberingBarrier {
  /** A mature object now holds a young reference in the slot at word `slotIndex`. */
  remember(obj: number, slotIndex: number): void;
  /** A cell of `bytes` now starts at `a` in the mature space. */
  noteCell(a: number, bytes: number): void;
  /** Minor collection: forward every young reference the barrier remembered. */
  forwardRemembered(young: YoungCopier, mature: ParseableSpace): void;
  /** Before a sweep: forget remembered objects that are not marked (about to become free chunks). */
  forgetUnmarked(): void;
  /** After a compaction that emptied the nursery: nothing stays remembered. */
  forgetAll(): void;
  /** The mature cells in [start, end) were rewritten by a sweep or a compaction. */
  cellsChanged(start: number, end: number): void;
  /** Most objects ever remembered at once (object remembering; 0 for cards). */
  readonly peakRemembered: number;
}
