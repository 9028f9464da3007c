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

/**
 * Discovery numbers in an array indexed by granule: no hashing. Only the
 * pages the reachable objects' granules fall on are ever written, so its
 * resident memory follows the live data, not the heap. A table that is
 * cleared (the verifier's, reused at every collection) lists what it set.
 */
export class GranuleTable implements DiscoveryTable {
  private readonly ids: Int32Array;
  private readonly touched: IntStack | undefined;
  constructor(granules: number, reusable = true) {
    this.ids = new Int32Array(granules);
    this.touched = reusable ? new IntStack() : undefined;
  }
  get(a: number): number | undefined {
    return this.ids[a >> 3] || undefined;
  }
  set(a: number, id: number): void {
    this.ids[a >> 3] = id;
    this.touched?.push(a);
  }
  clear(): void {
    if (!this.touched) {
      this.ids.fill(0);
      return;
    }
    for (let i = 0; i < this.touched.length; i++) this.ids[this.touched.at(i) >> 3] = 0;
    this.touched.clear();
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
  discovered: DiscoveryTable = new GranuleTable(heap.mem.length >> 1, false),
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
