/**
 * Columnar record of every collection (and, for later collectors, every other
 * stop-the-world pause): kind, reason, heap occupancy before and after, the
 * work done, and wall time. Columns are growable Float64Arrays so recording
 * costs no JS allocation per collection; a row is materialised only when a
 * reporter asks for it.
 */

/** Work counters every collector shares; a collector bumps the ones its algorithm does. */
export class WorkCounters {
  objectsMarked = 0;
  slotsScanned = 0;
  rootsScanned = 0;
  objectsCopied = 0;
  bytesCopied = 0;
  cellsSwept = 0;
  /** Objects freed individually (reference counting). */
  objectsFreed = 0;
  rcIncrements = 0;
  rcDecrements = 0;
  /** Write-barrier executions that did more than the store (generational). */
  barrierExecutions = 0;
  /** Remembered-set entries or dirty cards processed by minor collections. */
  remsetEntriesProcessed = 0;
  /** Allocations that left the allocator's fast path (refill, free-list search, collection). */
  allocationSlowPaths = 0;
  /** Stop-the-world collections: each stops and resumes the mutator and scans the runtime's own roots. */
  safepoints = 0;
  /** Pages of copying spaces a collection flips and resets (page bookkeeping, per page of the space). */
  pagesPrepared = 0;
  /** Pages written for the first time (a page fault and zeroing in a real runtime; heap/pages.ts). */
  pagesTouched = 0;
  /** Objects a marking barrier greyed (incremental and concurrent marking; mutator time). */
  barrierShades = 0;
  /**
   * Pauses that only stop and resume the mutator, without scanning the
   * runtime's roots again (an increment, a SATB remark): each costs
   * `safepoint` alone, where a `safepoints` pause also costs `runtimeRoots`.
   */
  mutatorStops = 0;
}

export type WorkName = keyof WorkCounters;
export const WORK_NAMES: readonly WorkName[] = Object.keys(new WorkCounters()) as WorkName[];

// The first sixteen columns are written by position in CollectionLog.add; keep the order.
const COLUMNS = [
  "kind",
  "reason",
  "objectsBefore",
  "bytesBefore",
  "objectsAfter",
  "bytesAfter",
  "allocatedBytesAtStart",
  "wallMs",
  "full",
  "startNs",
  "pauseNs",
  "footprintAfter",
  "liveAfter",
  "footprintBefore",
  "fragmentationAfter",
  "cycle",
  ...WORK_NAMES,
] as const;
type Column = (typeof COLUMNS)[number];

export interface CollectionRecord {
  index: number;
  kind: string;
  reason: string;
  objectsBefore: number;
  bytesBefore: number;
  objectsAfter: number;
  bytesAfter: number;
  /** Bytes the mutator had allocated when this collection began: a position on the allocation clock. */
  allocatedBytesAtStart: number;
  wallMs: number;
  /** Whether the collection reclaimed every unreachable object (so bytesAfter is the live size). */
  full: boolean;
  /** Simulated time at which the pause began, and its simulated duration (ns). */
  startNs: number;
  pauseNs: number;
  /** Heap span in use after the collection (see Collector.footprint). */
  footprintAfter: number;
  /** Live bytes after the collection when known: bytesAfter of a full one, or what a marking found (lazy sweeping); else null. */
  liveAfter: number | null;
  /** Heap span in use when the pause began. */
  footprintBefore: number;
  /** Fragmentation after a full collection (Collected.fragmentation); null after any other pause, where it is not measured. */
  fragmentationAfter: number | null;
  /** The marking cycle (0-based, Recorder.cycles) this pause belongs to; -1 for a pause outside any incremental or concurrent cycle. */
  cycle: number;
  /** The work counted during this pause alone (the counters' deltas). */
  work: Record<WorkName, number>;
}

const COLUMN_INDEX = new Map<Column, number>(COLUMNS.map((c, i) => [c, i]));
const FIRST_WORK_COLUMN = COLUMNS.length - WORK_NAMES.length;

/** What a collector knows about one pause when it ends. */
export interface PauseRecord {
  kind: string;
  reason: string;
  objectsBefore: number;
  bytesBefore: number;
  objectsAfter: number;
  bytesAfter: number;
  allocatedBytesAtStart: number;
  wallMs: number;
  full: boolean;
  startNs: number;
  pauseNs: number;
  footprintAfter: number;
  liveAfter: number | null;
  footprintBefore: number;
  /** null when not measured (only full collections measure it). */
  fragmentationAfter: number | null;
  /** The open marking cycle's index, or -1. */
  cycle: number;
}

export class CollectionLog {
  /** One growable column per entry of COLUMNS, in that order. */
  private columns: Float64Array[] = COLUMNS.map(() => new Float64Array(64));
  private readonly names: string[] = [];
  length = 0;

  /** Interns a kind or reason string as a small number stored in a column. */
  private code(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    return i;
  }

  /** Appends a pause; `workBefore` holds the work counters (in WORK_NAMES order) when it began. */
  add(p: PauseRecord, workBefore: Float64Array, work: WorkCounters): void {
    if (this.length === this.columns[0].length) this.grow();
    const i = this.length++;
    const c = this.columns;
    c[0][i] = this.code(p.kind);
    c[1][i] = this.code(p.reason);
    c[2][i] = p.objectsBefore;
    c[3][i] = p.bytesBefore;
    c[4][i] = p.objectsAfter;
    c[5][i] = p.bytesAfter;
    c[6][i] = p.allocatedBytesAtStart;
    c[7][i] = p.wallMs;
    c[8][i] = p.full ? 1 : 0;
    c[9][i] = p.startNs;
    c[10][i] = p.pauseNs;
    c[11][i] = p.footprintAfter;
    c[12][i] = p.liveAfter ?? -1;
    c[13][i] = p.footprintBefore;
    // NaN stands for "not measured" inside the column; record() turns it back into null.
    c[14][i] = p.fragmentationAfter ?? NaN;
    c[15][i] = p.cycle;
    for (let w = 0; w < WORK_NAMES.length; w++) c[FIRST_WORK_COLUMN + w][i] = work[WORK_NAMES[w]] - workBefore[w];
  }

  column(name: Column): Float64Array {
    return this.columns[COLUMN_INDEX.get(name)!].subarray(0, this.length);
  }

  kindOf(i: number): string {
    return this.names[this.columns[0][i]];
  }

  record(i: number): CollectionRecord {
    const get = (c: Column) => this.columns[COLUMN_INDEX.get(c)!][i];
    const work = {} as Record<WorkName, number>;
    for (const w of WORK_NAMES) work[w] = get(w);
    return {
      index: i + 1,
      kind: this.names[get("kind")],
      reason: this.names[get("reason")],
      objectsBefore: get("objectsBefore"),
      bytesBefore: get("bytesBefore"),
      objectsAfter: get("objectsAfter"),
      bytesAfter: get("bytesAfter"),
      allocatedBytesAtStart: get("allocatedBytesAtStart"),
      wallMs: get("wallMs"),
      full: get("full") === 1,
      startNs: get("startNs"),
      pauseNs: get("pauseNs"),
      footprintAfter: get("footprintAfter"),
      liveAfter: get("liveAfter") >= 0 ? get("liveAfter") : null,
      footprintBefore: get("footprintBefore"),
      fragmentationAfter: Number.isNaN(get("fragmentationAfter")) ? null : get("fragmentationAfter"),
      cycle: get("cycle"),
      work,
    };
  }

  private grow(): void {
    this.columns = this.columns.map((col) => {
      const bigger = new Float64Array(col.length * 2);
      bigger.set(col);
      return bigger;
    });
  }
}

/** Copies the work counters into `into`, in WORK_NAMES order. */
export function snapshotWork(work: WorkCounters, into: Float64Array): void {
  for (let w = 0; w < WORK_NAMES.length; w++) into[w] = work[WORK_NAMES[w]];
}
