/**
 * The canonical trace of the reachable object graph: breadth-first from the
 * roots in a fixed order, numbering objects by discovery and hashing their
 * shapes, so the same graph gives the same hash at any addresses. Used by
 * the verifier (before/after every collection), the run's final figures,
 * leak accounting and out-of-memory messages; it depends on nothing but the
 * object layout, so it can judge any collector.
 */
import type { Heap, Roots } from "./heap.js";
import { IntStack } from "./int-stack.js";
import { NSLOTS_MASK, alignUp, objectBytes } from "./object-model.js";

export interface GraphSummary {
  objects: number;
  bytes: number;
  /** Canonical hash of the reachable graph: independent of addresses, so equal across collectors. */
  hash: number;
}

/** Discovery numbers by address: a per-granule array (GranuleTable), or an IntMap sized by the live data. */
export interface DiscoveryTable {
  get(address: number): number | undefined;
  set(address: number, id: number): void;
  clear(): void;
}

/** Discovery numbers in an array over every granule, for a table reused at every collection (the verifier's). */
export class GranuleTable implements DiscoveryTable {
  private readonly ids: Int32Array;
  /** What `set` wrote, so `clear` costs what the trace reached. */
  private readonly touched = new IntStack();
  constructor(granules: number) {
    this.ids = new Int32Array(granules);
  }
  get(a: number): number | undefined {
    return this.ids[a >> 3] || undefined;
  }
  set(a: number, id: number): void {
    this.ids[a >> 3] = id;
    this.touched.push(a);
  }
  clear(): void {
    for (let i = 0; i < this.touched.length; i++) this.ids[this.touched.at(i) >> 3] = 0;
    this.touched.clear();
  }
}

/**
 * Discovery numbers per granule for a single trace, in pages allocated on
 * first write: no hashing, and no table the size of the heap (a small run on
 * a large heap would pay for allocating it, and V8 for collecting it).
 */
export class PagedGranuleTable implements DiscoveryTable {
  private static readonly PAGE_SHIFT = 14;
  private readonly pages: (Int32Array | undefined)[];
  constructor(granules: number) {
    this.pages = new Array<Int32Array | undefined>((granules >>> PagedGranuleTable.PAGE_SHIFT) + 1).fill(undefined);
  }
  get(a: number): number | undefined {
    const g = a >>> 3;
    const page = this.pages[g >>> PagedGranuleTable.PAGE_SHIFT];
    return page === undefined ? undefined : page[g & ((1 << PagedGranuleTable.PAGE_SHIFT) - 1)] || undefined;
  }
  set(a: number, id: number): void {
    const g = a >>> 3;
    const p = g >>> PagedGranuleTable.PAGE_SHIFT;
    const page = (this.pages[p] ??= new Int32Array(1 << PagedGranuleTable.PAGE_SHIFT));
    page[g & ((1 << PagedGranuleTable.PAGE_SHIFT) - 1)] = id;
  }
  clear(): void {
    this.pages.fill(undefined);
  }
}

/** Where a reference was found: a global, a stack slot, or slot `index` of the object at `holder`. */
export const enum RefSource {
  Global,
  Stack,
  Slot,
}

/** Sees each non-null reference before it is followed (plain numbers: no allocation per reference). */
export type ReferenceCheck = (ref: number, source: RefSource, index: number, holder: number) => void;

export function describeSource(source: RefSource, index: number, holder: number): string {
  return source === RefSource.Global ? `global ${index}` : source === RefSource.Stack ? `stack slot ${index}` : `slot ${index} of object ${holder}`;
}

/**
 * Breadth-first trace from the roots in a fixed order (globals, then stack
 * slots bottom-up, then each object's slots in order), numbering objects as
 * they are discovered and hashing each object's slot count, payload size,
 * payload words and the numbers its slots point at. `check` sees every
 * non-null reference before it is followed. The table is left holding every
 * reachable object's number (1-based discovery order) until cleared.
 */
export function traceGraph(
  heap: Heap,
  roots: Roots,
  discovered: DiscoveryTable = new PagedGranuleTable(heap.mem.length >> 1),
  check?: ReferenceCheck,
): GraphSummary {
  const mem = heap.mem;
  const queue = new IntStack();
  let h = 0x811c9dc5;
  let bytes = 0;
  const mix = (v: number) => {
    h = Math.imul(h ^ v, 0x01000193);
    h ^= h >>> 15;
  };
  const visit = (ref: number, source: RefSource, index: number, holder: number): number => {
    if (ref <= 0) return ref;
    check?.(ref, source, index, holder);
    let id = discovered.get(ref);
    if (id === undefined) {
      queue.push(ref);
      id = queue.length;
      discovered.set(ref, id);
    }
    return id;
  };
  const { stack, globals } = roots;
  for (let i = 0; i < globals.length; i++) mix(visit(globals[i], RefSource.Global, i, 0));
  mix(0x5eed);
  for (let i = 0, sp = roots.stackTop(); i < sp; i++) mix(visit(stack[i], RefSource.Stack, i, 0));
  for (let q = 0; q < queue.length; q++) {
    const a = queue.at(q);
    const w = a >> 2;
    const n = mem[w] & NSLOTS_MASK;
    const payload = mem[w + 1];
    const payloadWords = alignUp(payload) >> 2;
    bytes += objectBytes(n, payload);
    mix(n);
    mix(payload);
    for (let i = 0; i < n; i++) {
      const ref = mem[w + 2 + 2 * i];
      mix(visit(ref, RefSource.Slot, i, a));
    }
    const payloadStart = w + 2 + 2 * n;
    for (let p = 0; p < payloadWords; p++) mix(mem[payloadStart + p]);
  }
  return { objects: queue.length, bytes, hash: h >>> 0 };
}
