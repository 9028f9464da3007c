/**
 * Columnar record of every collection (and, for later collectors, every other
 * stop-the-world pause): kind, reason, heap occupancy before and after, the
 * work done, and wall time. Columns are growable typed arrays so recording
 * costs no JS allocation per collection; a row is materialised only when a
 * reporter asks for it.
 *
 * Each column is the narrowest of Uint8, Uint16, Int32 and Float64 arrays
 * that has held every value written to it exactly: a value that does not
 * read back identical (Object.is: fractions, negatives, -0, NaN, large
 * numbers) widens the column first. Most values are small integers (rc's
 * ~90,000 cascades on GCBench each free a few objects), so the log takes
 * about a third of the memory of Float64 columns while every figure is the
 * number written.
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
  private columns: ColumnArray[] = COLUMNS.map(() => new Uint8Array(64));
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
    this.store(0, i, this.code(p.kind));
    this.store(1, i, this.code(p.reason));
    this.store(2, i, p.objectsBefore);
    this.store(3, i, p.bytesBefore);
    this.store(4, i, p.objectsAfter);
    this.store(5, i, p.bytesAfter);
    this.store(6, i, p.allocatedBytesAtStart);
    this.store(7, i, p.wallMs);
    this.store(8, i, p.full ? 1 : 0);
    this.store(9, i, p.startNs);
    this.store(10, i, p.pauseNs);
    this.store(11, i, p.footprintAfter);
    this.store(12, i, p.liveAfter ?? -1);
    this.store(13, i, p.footprintBefore);
    // NaN stands for "not measured" inside the column; record() turns it back into null.
    this.store(14, i, p.fragmentationAfter ?? NaN);
    this.store(15, i, p.cycle);
    for (let w = 0; w < WORK_NAMES.length; w++) this.store(FIRST_WORK_COLUMN + w, i, work[WORK_NAMES[w]] - workBefore[w]);
  }

  /** Writes `value` at row i of column c, widening the column until it holds the value exactly. */
  private store(c: number, i: number, value: number): void {
    let col = this.columns[c];
    col[i] = value;
    while (!Object.is(col[i], value)) {
      col = this.columns[c] = widened(col);
      col[i] = value;
    }
  }

  /** A column's values, one per pause, as a Float64Array (a copy: the column itself may be narrower). */
  column(name: Column): Float64Array {
    return Float64Array.from(this.columns[COLUMN_INDEX.get(name)!].subarray(0, this.length));
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
      const bigger = new (col.constructor as ColumnArrayClass)(col.length * 2);
      bigger.set(col);
      return bigger;
    });
  }
}

type ColumnArray = Uint8Array | Uint16Array | Int32Array | Float64Array;
type ColumnArrayClass = new (length: number) => ColumnArray;
/** Each holds every value of the one before it exactly; Float64 holds every number. */
const WIDENING: ColumnArrayClass[] = [Uint8Array, Uint16Array, Int32Array, Float64Array];

/** The same values in the next wider array. */
function widened(col: ColumnArray): ColumnArray {
  const wider = new WIDENING[WIDENING.indexOf(col.constructor as ColumnArrayClass) + 1](col.length);
  wider.set(col);
  return wider;
}

/** Copies the work counters into `into`, in WORK_NAMES order. */
export function snapshotWork(work: WorkCounters, into: Float64Array): void {
  for (let w = 0; w < WORK_NAMES.length; w++) into[w] = work[WORK_NAMES[w]];
}
