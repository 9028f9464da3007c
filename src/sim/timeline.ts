/**
 * A run's timeline: one row per pause, read from the recorder's collection
 * log, either all at once when the run is over (`timelineRows`) or one by one
 * as the run goes (`collectionStream`, for live GC logs). Both build the same
 * rows, so a log streamed during a run and one written after it are equal.
 */
import type { CollectionLog } from "../metrics/collection-log.js";
import type { CollectionObserver } from "../metrics/recorder.js";
import type { TimelineRow } from "../report/result.js";

/** Row `i` (0-based) of the log as a timeline row. */
export function timelineRow(log: CollectionLog, i: number): TimelineRow {
  const r = log.record(i);
  return {
    index: r.index,
    startNs: r.startNs,
    kind: r.kind,
    reason: r.reason,
    pauseNs: r.pauseNs,
    usedBefore: r.bytesBefore,
    usedAfter: r.bytesAfter,
    liveAfter: r.liveAfter,
    footprint: r.footprintAfter,
    footprintBefore: r.footprintBefore,
    fragmentation: r.fragmentationAfter,
    work: r.work,
    cycle: r.cycle >= 0 ? r.cycle : null,
  };
}

/** The first `count` rows of the log. */
export function timelineRows(log: CollectionLog, count: number): TimelineRow[] {
  const rows: TimelineRow[] = [];
  for (let i = 0; i < count; i++) rows.push(timelineRow(log, i));
  return rows;
}

/**
 * An observer handing each pause's row to `onRow` as soon as the pause ends;
 * `close` stops it (before the end-of-run collection, which exists only to
 * measure leaks and is not part of the timeline). It runs once per pause,
 * never between pauses: off the allocation and barrier paths.
 */
export function collectionStream(onRow: (row: TimelineRow) => void): CollectionObserver & { close(): void } {
  let open = true;
  return {
    beforeCollection() {},
    afterCollection(_collector, recorder, index) {
      if (open) onRow(timelineRow(recorder.log, index - 1));
    },
    close() {
      open = false;
    },
  };
}
