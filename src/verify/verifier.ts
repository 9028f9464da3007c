/**
 * The independent heap verifier. It shares nothing with the collectors but
 * the object layout (object-model.ts) and the regions a collector says hold
 * its objects; its tracing is its own deliberately simple code.
 *
 * Around every collection it checks:
 *  1. heap parse: every region parses cell by cell into objects and free
 *     chunks with sane headers (no stale MARK or FORWARDED bits, sizes inside
 *     the region), and the collector's own object count matches the walk;
 *  2. references: every root and every slot of every reachable object is
 *     null or the start of an object found by the walk;
 *  3. shape: a canonical hash of the reachable graph (objects numbered in
 *     breadth-first discovery order from the roots, hashing each object's
 *     slot count, payload size and payload words and the numbers its slots
 *     point at) is the same before and after - this is what catches a moving
 *     collector that loses, duplicates or mixes up objects;
 *  4. completeness: after a full collection no unreachable object remains.
 * During an incremental or concurrent marking cycle (Collected.marking) it
 * also checks, from the mark bits and grey objects the collector shows it:
 *  5. the tri-colour invariant the collector's barrier promises, at the
 *     cycle's start and after its increments, quanta and assists (every
 *     one with `everyMarkingStep`, else the 1st, 2nd, 4th, 8th... of each
 *     cycle, which bounds the cost to O(heap x log steps)): strong - no
 *     black object refers to a white one; weak - every white object a black
 *     object or a root refers to is reachable from a grey object through
 *     white objects;
 *  6. when marking is complete: every object reachable now is marked, and,
 *     under the weak invariant (snapshot at the beginning), so is every
 *     object that was reachable when the cycle started.
 * A violation throws VerificationError naming the collection and address.
 */
import { VerificationError } from "../errors.js";
import type { Heap, Roots } from "../heap/heap.js";
import { IntMap } from "../heap/int-map.js";
import { FORWARDED_BIT, FREE_BIT, MARK_BIT, MAX_PAYLOAD_BYTES, NSLOTS_MASK, cellBytes, objectBytes } from "../heap/object-model.js";
import { GranuleTable, describeSource, traceGraph, type GraphSummary } from "../heap/trace.js";
import { IntStack } from "../heap/int-stack.js";
import type { Collected, CollectionObserver, MarkingView, Recorder } from "../metrics/recorder.js";

/** Flags of the per-granule colour table (HeapVerifier.colours). */
const SNAPSHOT = 1;
const GREY = 2;
const PROTECTED = 4;

interface HeapWalk {
  objects: number;
  bytes: number;
}

export class HeapVerifier implements CollectionObserver {
  /** Per 8-byte granule: 1 where an object starts (from the last walk). */
  private readonly objectStart: Uint8Array;
  /** Per granule: discovery number during a trace, 0 otherwise. */
  private readonly discovered: GranuleTable;
  private hashBefore = 0;
  private expectedCounts: Int32Array | undefined;
  /** Per granule, during a marking cycle: SNAPSHOT where an object was reachable at its start; GREY and PROTECTED while checking. */
  private colours: Uint8Array | undefined;
  private readonly work = new IntStack();
  checks = 0;
  /** Tri-colour checks made (cycle starts and marking steps). */
  markingChecks = 0;

  constructor(
    private readonly heap: Heap,
    private readonly roots: Roots,
    /** Check the invariant after every marking step, not only the power-of-two ones (property tests). */
    private readonly everyMarkingStep = false,
  ) {
    const granules = heap.mem.length >> 1;
    this.objectStart = new Uint8Array(granules);
    this.discovered = new GranuleTable(granules);
  }

  cycleStarted(collector: Collected, recorder: Recorder, cycle: number): void {
    const marking = collector.marking?.();
    if (!marking) return;
    const colours = (this.colours ??= new Uint8Array(this.objectStart.length));
    colours.fill(0);
    this.reachable(SNAPSHOT);
    this.checkInvariant(collector, marking, recorder.log.length, `at the start of marking cycle ${cycle}`);
  }

  markingStep(collector: Collected, recorder: Recorder, cycle: number, step: number): void {
    if (!this.everyMarkingStep && (step & (step - 1)) !== 0) return;
    const marking = collector.marking?.();
    if (marking) this.checkInvariant(collector, marking, recorder.log.length, `after marking step ${step} of cycle ${cycle}`);
  }

  cycleMarked(collector: Collected, recorder: Recorder, cycle: number): void {
    const marking = collector.marking?.();
    if (!marking) return;
    const index = recorder.log.length + 1;
    const colours = (this.colours ??= new Uint8Array(this.objectStart.length));
    const mem = this.heap.mem;
    if (marking.invariant === "weak") {
      for (const [start, end] of collector.parseableRegions()) {
        for (let a = start; a < end; a += cellBytes(mem, a)) {
          if (colours[a >> 3] & SNAPSHOT && !marking.isMarked(a)) {
            throw new VerificationError(index, a, `marking cycle ${cycle} ended without marking an object reachable when it began (the snapshot-at-the-beginning barrier lost it)`);
          }
        }
      }
    }
    traceGraph(this.heap, this.roots, this.discovered, (ref) => {
      if (!marking.isMarked(ref)) {
        throw new VerificationError(index, ref, `marking cycle ${cycle} ended with a reachable object unmarked: it would be swept while in use (a barrier let the mutator hide it)`);
      }
    });
    this.discovered.clear();
  }

  /** Sets `flag` on every object reachable from the roots (the verifier's own traversal). */
  private reachable(flag: number): void {
    const mem = this.heap.mem;
    const colours = this.colours!;
    const work = this.work;
    const visit = (ref: number) => {
      if (ref > 0 && (colours[ref >> 3] & flag) === 0) {
        colours[ref >> 3] |= flag;
        work.push(ref);
      }
    };
    const { stack, globals } = this.roots;
    for (let i = 0; i < globals.length; i++) visit(globals[i]);
    for (let i = 0, sp = this.roots.stackTop(); i < sp; i++) visit(stack[i]);
    while (work.length > 0) {
      const w = work.pop() >> 2;
      for (let i = 0, n = mem[w] & NSLOTS_MASK; i < n; i++) visit(mem[w + 2 + 2 * i]);
    }
  }

  /**
   * The tri-colour invariant of `marking` (see MarkingView). Grey objects are
   * flagged first; under the weak invariant the white objects reachable from
   * them through white objects are flagged protected; then every slot of
   * every black object (and, for the weak invariant, every root) is checked.
   */
  private checkInvariant(collector: Collected, marking: MarkingView, index: number, when: string): void {
    this.markingChecks++;
    const mem = this.heap.mem;
    const colours = (this.colours ??= new Uint8Array(this.objectStart.length));
    const work = this.work;
    const weak = marking.invariant === "weak";
    marking.forEachGrey((g) => {
      colours[g >> 3] |= GREY;
    });
    if (weak) {
      marking.forEachGrey((g) => work.push(g));
      while (work.length > 0) {
        const w = work.pop() >> 2;
        for (let i = 0, n = mem[w] & NSLOTS_MASK; i < n; i++) {
          const child = mem[w + 2 + 2 * i];
          if (child > 0 && !marking.isMarked(child) && (colours[child >> 3] & PROTECTED) === 0) {
            colours[child >> 3] |= PROTECTED;
            work.push(child);
          }
        }
      }
    }
    const unprotectedWhite = (ref: number) => ref > 0 && !marking.isMarked(ref) && (!weak || (colours[ref >> 3] & PROTECTED) === 0);
    try {
      for (const [start, end] of collector.parseableRegions()) {
        for (let a = start; a < end; a += cellBytes(mem, a)) {
          const w = a >> 2;
          if (mem[w] & FREE_BIT || !marking.isMarked(a) || colours[a >> 3] & GREY) continue;
          for (let i = 0, n = mem[w] & NSLOTS_MASK; i < n; i++) {
            const child = mem[w + 2 + 2 * i];
            if (unprotectedWhite(child)) {
              throw new VerificationError(
                index,
                a,
                weak
                  ? `${when}: black object ${a} refers (slot ${i}) to white object ${child}, which no grey object reaches through white objects: the weak tri-colour invariant (snapshot at the beginning) is broken`
                  : `${when}: black object ${a} refers (slot ${i}) to white object ${child}: the strong tri-colour invariant (incremental update) is broken`,
              );
            }
          }
        }
      }
      if (weak) {
        const { stack, globals } = this.roots;
        for (let i = 0; i < globals.length; i++) {
          if (unprotectedWhite(globals[i])) throw new VerificationError(index, globals[i], `${when}: global ${i} refers to white object ${globals[i]}, which no grey object reaches through white objects: the weak tri-colour invariant is broken`);
        }
        for (let i = 0, sp = this.roots.stackTop(); i < sp; i++) {
          if (unprotectedWhite(stack[i])) throw new VerificationError(index, stack[i], `${when}: stack slot ${i} refers to white object ${stack[i]}, which no grey object reaches through white objects: the weak tri-colour invariant is broken`);
        }
      }
    } finally {
      for (let i = 0; i < colours.length; i++) colours[i] &= SNAPSHOT;
    }
  }

  beforeCollection(collector: Collected, recorder: Recorder, index: number): void {
    this.walkHeap(collector, recorder, index, "before");
    this.checkReferenceCounts(collector, index);
    this.hashBefore = this.traceAndHash(index).hash;
  }

  afterCollection(collector: Collected, recorder: Recorder, index: number, full: boolean): void {
    const walk = this.walkHeap(collector, recorder, index, "after");
    const trace = this.traceAndHash(index);
    this.checkReferenceCounts(collector, index);
    if (trace.hash !== this.hashBefore) {
      throw new VerificationError(index, 0, "the reachable object graph changed shape or contents during the collection");
    }
    if (full && walk.objects !== trace.objects) {
      throw new VerificationError(
        index,
        this.firstUnreachable(collector),
        `${walk.objects - trace.objects} unreachable objects still allocated after a full collection`,
      );
    }
    this.checks++;
  }

  /** Checks the heap once the mutator has finished: it parses, and every reference is valid. */
  afterRun(collector: Collected, recorder: Recorder): void {
    const index = recorder.log.length;
    this.walkHeap(collector, recorder, index, "at the end of");
    this.traceAndHash(index);
    this.checkReferenceCounts(collector, index);
    this.checks++;
  }

  /**
   * For a reference-counting collector: every object's count must equal the
   * number of slots of allocated objects plus root slots that point at it.
   */
  private checkReferenceCounts(collector: Collected, index: number): void {
    if (!collector.referenceCount) return;
    const mem = this.heap.mem;
    const expected = (this.expectedCounts ??= new Int32Array(this.objectStart.length));
    expected.fill(0);
    const objects: number[] = [];
    for (const [start, end] of collector.parseableRegions()) {
      for (let a = start; a < end; a += cellBytes(mem, a)) {
        if (mem[a >> 2] & FREE_BIT) continue;
        objects.push(a);
        const w = a >> 2;
        for (let i = 0, n = mem[w] & NSLOTS_MASK; i < n; i++) {
          const ref = mem[w + 2 + 2 * i];
          if (ref > 0) expected[ref >> 3]++;
        }
      }
    }
    const { stack, globals } = this.roots;
    for (let i = 0; i < globals.length; i++) if (globals[i] > 0) expected[globals[i] >> 3]++;
    for (let i = 0, sp = this.roots.stackTop(); i < sp; i++) if (stack[i] > 0) expected[stack[i] >> 3]++;
    for (const a of objects) {
      const counted = collector.referenceCount(a);
      if (counted !== expected[a >> 3]) {
        throw new VerificationError(index, a, `reference count is ${counted} but ${expected[a >> 3]} references point at the object`);
      }
    }
  }

  /** Parses every region, recording object starts; checks headers and the collector's count. */
  private walkHeap(collector: Collected, recorder: Recorder, index: number, when: string): HeapWalk {
    const mem = this.heap.mem;
    this.objectStart.fill(0);
    let objects = 0;
    let bytes = 0;
    for (const [start, end] of collector.parseableRegions()) {
      for (let a = start; a < end; ) {
        const status = mem[a >> 2];
        const word1 = mem[(a >> 2) + 1];
        let size: number;
        if (status & FORWARDED_BIT) {
          throw new VerificationError(index, a, `forwarded header ${when} the collection`);
        } else if (status & FREE_BIT) {
          size = word1;
          if (size < 8 || size % 8 !== 0) throw new VerificationError(index, a, `free chunk of bad size ${size}`);
        } else {
          if (status & MARK_BIT) throw new VerificationError(index, a, `stale mark bit ${when} the collection`);
          if (word1 < 0 || word1 > MAX_PAYLOAD_BYTES) throw new VerificationError(index, a, `bad payload size ${word1}`);
          size = objectBytes(status & NSLOTS_MASK, word1);
          this.objectStart[a >> 3] = 1;
          objects++;
          bytes += size;
        }
        if (a + size > end) throw new VerificationError(index, a, `cell of ${size} bytes runs past its region end ${end}`);
        a += size;
      }
    }
    if (objects !== recorder.heapObjects) {
      throw new VerificationError(
        index,
        0,
        `collector counts ${recorder.heapObjects} objects in the heap ${when} the collection, the heap holds ${objects}`,
      );
    }
    return { objects, bytes };
  }

  private traceAndHash(index: number): GraphSummary {
    const summary = traceGraph(this.heap, this.roots, this.discovered, (ref, source, slot, holder) => {
      if (ref % 8 !== 0 || ref >= this.heap.end || this.objectStart[ref >> 3] === 0) {
        const where = describeSource(source, slot, holder);
        throw new VerificationError(index, ref, `${where} points at ${ref}, which is not the start of an object`);
      }
    });
    this.discovered.clear();
    return summary;
  }

  private firstUnreachable(collector: Collected): number {
    const reachable = new IntMap();
    traceGraph(this.heap, this.roots, reachable);
    const mem = this.heap.mem;
    for (const [start, end] of collector.parseableRegions()) {
      for (let a = start; a < end; ) {
        const status = mem[a >> 2];
        const size = cellBytes(mem, a);
        if ((status & FREE_BIT) === 0 && !reachable.has(a)) return a;
        a += size;
      }
    }
    return 0;
  }
}

