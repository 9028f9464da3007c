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
}

export type WorkName = keyof WorkCounters;
export const WORK_NAMES: readonly WorkName[] = Object.keys(new WorkCounters()) as WorkName[];

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
  work: Record<WorkName, number>;
}

export class CollectionLog {
  private readonly columns = new Map<Column, Float64Array>();
  private readonly names: string[] = [];
  length = 0;
  private capacity = 64;

  constructor() {
    for (const c of COLUMNS) this.columns.set(c, new Float64Array(this.capacity));
  }

  /** Interns a kind or reason string as a small number stored in a column. */
  private code(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    return i;
  }

  add(
    kind: string,
    reason: string,
    before: { objects: number; bytes: number },
    after: { objects: number; bytes: number },
    allocatedBytesAtStart: number,
    wallMs: number,
    work: WorkCounters,
    timing: { full: boolean; startNs: number; pauseNs: number; footprintAfter: number },
  ): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.set("kind", i, this.code(kind));
    this.set("reason", i, this.code(reason));
    this.set("objectsBefore", i, before.objects);
    this.set("bytesBefore", i, before.bytes);
    this.set("objectsAfter", i, after.objects);
    this.set("bytesAfter", i, after.bytes);
    this.set("allocatedBytesAtStart", i, allocatedBytesAtStart);
    this.set("wallMs", i, wallMs);
    this.set("full", i, timing.full ? 1 : 0);
    this.set("startNs", i, timing.startNs);
    this.set("pauseNs", i, timing.pauseNs);
    this.set("footprintAfter", i, timing.footprintAfter);
    for (const w of WORK_NAMES) this.set(w, i, work[w]);
  }

  column(name: Column): Float64Array {
    return this.columns.get(name)!.subarray(0, this.length);
  }

  kindOf(i: number): string {
    return this.names[this.columns.get("kind")![i]];
  }

  record(i: number): CollectionRecord {
    const get = (c: Column) => this.columns.get(c)![i];
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
      work,
    };
  }

  private set(c: Column, i: number, v: number): void {
    this.columns.get(c)![i] = v;
  }

  private grow(): void {
    this.capacity *= 2;
    for (const [name, col] of this.columns) {
      const bigger = new Float64Array(this.capacity);
      bigger.set(col);
      this.columns.set(name, bigger);
    }
  }
}
