/**
 * The collection log's columns: each is the narrowest typed array that holds
 * what was written to it exactly, widened when a value would not read back
 * identical, so every figure is the number written, and small integers (rc's
 * cascades) cost one byte a column.
 */
import { describe, expect, it } from "vitest";
import { CollectionLog, WORK_NAMES, WorkCounters, type PauseRecord } from "../src/metrics/collection-log.js";

/** The log's columns in storage order (collection-log.ts COLUMNS): sixteen pause fields, then the work counters. */
const COLUMN_NAMES = [
  ...["kind", "reason", "objectsBefore", "bytesBefore", "objectsAfter", "bytesAfter", "allocatedBytesAtStart", "wallMs", "full"],
  ...["startNs", "pauseNs", "footprintAfter", "liveAfter", "footprintBefore", "fragmentationAfter", "cycle"],
  ...WORK_NAMES,
];

function pause(overrides: Partial<PauseRecord>): PauseRecord {
  return {
    kind: "rc-cascade",
    reason: "count reached zero",
    objectsBefore: 10,
    bytesBefore: 400,
    objectsAfter: 9,
    bytesAfter: 360,
    allocatedBytesAtStart: 400,
    wallMs: 0,
    full: false,
    startNs: 100,
    pauseNs: 20,
    footprintAfter: 400,
    liveAfter: null,
    footprintBefore: 400,
    fragmentationAfter: null,
    cycle: -1,
    ...overrides,
  };
}

describe("the collection log", () => {
  it("gives back every value exactly, whatever its size, sign or fraction, as each column widens", () => {
    const log = new CollectionLog();
    const before = new Float64Array(WORK_NAMES.length);
    const values = [0, 1, 255, 256, 65_535, 65_536, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 40, 0.1, 1e-9, -0, 7];
    const pauses = values.map((v, i) =>
      pause({ objectsBefore: v, bytesAfter: v, startNs: v, pauseNs: v, liveAfter: v, cycle: v, allocatedBytesAtStart: i, fragmentationAfter: i % 2 ? v : null }),
    );
    for (const [i, p] of pauses.entries()) {
      const work = new WorkCounters();
      work.objectsFreed = values[i];
      work.slotsScanned = 3;
      log.add(p, before, work);
    }
    // A thousand more rows: the columns grow past their first 64 rows, keeping the earlier values.
    for (let i = 0; i < 1000; i++) log.add(pause({ objectsBefore: i }), before, new WorkCounters());
    values.forEach((v, i) => {
      const r = log.record(i);
      for (const got of [r.objectsBefore, r.bytesAfter, r.startNs, r.pauseNs, r.cycle, r.work.objectsFreed]) expect(Object.is(got, v)).toBe(true);
      // -1 is liveAfter's "not known"; any other value is itself.
      expect(r.liveAfter).toBe(v === -1 ? null : v);
      expect(r.fragmentationAfter).toBe(i % 2 ? v : null);
      expect(r.work.slotsScanned).toBe(3);
      expect(r.kind).toBe("rc-cascade");
    });
    expect(log.record(values.length + 999).objectsBefore).toBe(999);
    expect(log.length).toBe(values.length + 1000);
  });

  it("keeps columns of small integers in one byte a row, and widens only the columns that need it", () => {
    const log = new CollectionLog();
    const before = new Float64Array(WORK_NAMES.length);
    for (let i = 0; i < 100; i++) log.add(pause({ pauseNs: 100 + i, startNs: 1e12 + 0.5 * i }), before, new WorkCounters());
    // The storage itself (private): column() hands out Float64Array copies.
    const storage = (name: string) => (log as unknown as { columns: ArrayLike<number>[] }).columns[COLUMN_NAMES.indexOf(name)];
    expect(storage("full")).toBeInstanceOf(Uint8Array);
    expect(storage("objectsFreed")).toBeInstanceOf(Uint8Array);
    expect(storage("bytesBefore")).toBeInstanceOf(Uint16Array); // 400
    expect(storage("cycle")).toBeInstanceOf(Int32Array); // -1
    expect(storage("startNs")).toBeInstanceOf(Float64Array); // past 2^31, and fractional
    expect(log.column("pauseNs")).toEqual(Float64Array.from({ length: 100 }, (_, i) => 100 + i));
  });
});
