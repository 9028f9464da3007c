/**
 * Object demographics and drag (--demographics): for every object the
 * mutator allocates, its allocation site, size, birth, last use, death and
 * reclamation, folded into per-site figures, a lifetime histogram, a size
 * histogram, drag, and the "reachable but never used again" report at the
 * end of a run. It owns the per-object side data and the censuses that find
 * deaths; src/sim/demographics-tap.ts feeds it births and the run wires it.
 *
 * Clock: bytes allocated (Recorder.allocatedBytes), the field's usual clock
 * for lifetimes (Hayes; Stefanovic). An object's birth is the clock just
 * after its own allocation, so its lifetime is the bytes allocated after it
 * and before it died.
 *
 * Deaths, by census. A census is an exact trace from the roots, taken
 *   - at the start of every collection (an observer of the recorder), and
 *   - just before an allocation, once `interval` bytes were allocated since
 *     the last census (auto: max(64 KiB, the bytes the last census reached),
 *     so censuses trace about one byte per byte allocated).
 * An object is dead from the first census that does not reach it: its death
 * time is late by at most the bytes allocated since the census before, and
 * the largest such gap of the run is reported as `deathPrecisionBytes`
 * (an interval of 8 bytes takes a census before every allocation, which
 * makes death times exact at allocation granularity).
 *
 * Side data, collector-independent. Per-object figures live in a record
 * table (struct of typed arrays, recycled through a free list); `idAt`
 * maps an object's address granule to its record. A moving collector moves
 * objects without telling anyone, so around each of its collections the
 * tracker traces twice: before, it lists the records it reaches in
 * depth-first order; after, the same depth-first walk reaches the same
 * objects in the same order (a collection changes addresses, never the
 * graph), so the k-th object reached after is the k-th record listed before,
 * and `idAt` is rebuilt from that. No collector is touched, so every
 * collector, a user's included, works; the cost is two traces per
 * collection of a moving collector.
 *
 * Reclamation (the end of drag) follows the collector's kind:
 *   - reference counting (a collector with a root barrier) reclaims an
 *     object when it dies (as found by a census, or when its memory is
 *     reused by a new object, whichever comes first);
 *   - a collector that reclaims nothing never does (drag runs to the end);
 *   - a tracing collector reclaims a dead object at the first collection
 *     at or after its death - except that a collection which is not full,
 *     by a collector that says which objects are young (Collected.isYoung),
 *     reclaims only the dead objects that were young when found dead (a
 *     minor collection leaves dead old objects for the next full one).
 *
 * Promotion: with a collector that says which objects are young, an object
 * young when a collection began and old once it ended was promoted (left the
 * nursery: copied out by generational and gen-immix, given a sticky mark by
 * sticky-immix).
 *
 * Uses (drag): the compiled mutator calls `use(address)` at every load,
 * store, read or write through an object when the run tracks uses (a
 * different variant of the generated code; compiler/link.ts), as does the
 * script mutator; an allocation counts as a use.
 */
import { VerificationError } from "../errors.js";
import type { Heap, Roots } from "../heap/heap.js";
import { NSLOTS_MASK, objectBytes } from "../heap/object-model.js";
import type { Collected, CollectionObserver, Recorder } from "./recorder.js";

/** How the run's collector reclaims a dead object, for drag. */
export type Reclamation = "at-collection" | "at-death" | "never";

/** Auto census interval: at least this many bytes allocated between censuses. */
export const MIN_CENSUS_INTERVAL = 64 * 1024;
/** Objects reachable at the end and idle for at least this share of the run's allocation are "never used again". */
export const UNUSED_AT_END_SHARE = 0.1;

/** One bucket of a log2 histogram: [fromBytes, toBytes); the first bucket is exactly 0. */
export interface HistogramBucket {
  fromBytes: number;
  toBytes: number;
  objects: number;
  bytes: number;
}

export interface SiteDemographics {
  /** The statement that allocated (a JSON path, or alloc("Type") in a script workload). */
  site: string;
  objects: number;
  bytes: number;
  /** Share of the site's objects alive at the start of their first collection; null when none met a collection. */
  survivedFirstCollection: number | null;
  /** Bytes and objects that left the nursery; null under a collector without generations. */
  promotedBytes: number | null;
  promotedObjects: number | null;
  /** Mean lifetime (bytes allocated) of the site's objects that died during the run; null when none died. */
  meanLifetime: number | null;
  /** Objects of the site that died during the run (the mean's population). */
  died: number;
  /** Drag of the site's objects: sum of size x (reclamation or end of run - last use), byte x bytes allocated. */
  drag: number;
  /** The part of `drag` between death and reclamation: what the collector's delay adds. */
  dragAfterDeath: number;
}

export interface UnusedSite {
  site: string;
  objects: number;
  bytes: number;
  /** Sum of size x (end of run - last use), byte x bytes allocated. */
  drag: number;
}

export interface DemographicsResult {
  /** Censuses taken (exact traces that find deaths). */
  censuses: number;
  /** Largest allocation between two censuses: every death time is late by at most this many bytes allocated. */
  deathPrecisionBytes: number;
  reclamation: Reclamation;
  /** Objects and bytes allocated by the mutator (every one tracked). */
  objects: number;
  bytes: number;
  /** Lifetimes of the objects that died during the run, in bytes allocated between birth and death. */
  lifetimes: HistogramBucket[];
  /** Objects still reachable when the run ended (lifetime not known: not in `lifetimes`). */
  liveAtEnd: { objects: number; bytes: number };
  /** Sizes (bytes, header included) of every object allocated. */
  sizes: HistogramBucket[];
  /** One row per allocation site, ranked by promoted bytes, then bytes. */
  sites: SiteDemographics[];
  drag: {
    /** Sum over every object of size x (reclamation, or the end of the run, - last use): byte x bytes allocated. */
    total: number;
    /** The part between death and reclamation (the collector's share). */
    afterDeath: number;
    /** The part of objects still reachable at the end (never reclaimed). */
    reachableAtEnd: number;
    /** total / bytes allocated: the bytes held past their last use, averaged over the run's allocation. */
    meanBytes: number;
  };
  /** Objects reachable at the end whose last use was at least `idleAtLeast` bytes allocated before it. */
  unusedAtEnd: { idleAtLeast: number; objects: number; bytes: number; sites: UnusedSite[] };
}

// Record states and flags.
const FREE = 0;
const LIVE = 1;
const DEAD = 2;
const STATE = 3;
/** The record has met a collection (its first one is behind it). */
const MET_COLLECTION = 4;
/** Young when found dead: a minor collection reclaims it. */
const YOUNG_AT_DEATH = 8;
/** Already promoted (counted once). */
const PROMOTED = 16;

/** Per-site accumulators, one Float64Array per figure, indexed by site. */
const SITE_FIGURES = ["objects", "bytes", "met", "survived", "promotedObjects", "promotedBytes", "died", "lifetimeSum", "drag", "dragAfterDeath"] as const;
type SiteFigure = (typeof SITE_FIGURES)[number];

const BUCKETS = 64;
/** The site of an object a census reaches that no allocation reported (e.g. one a collector made itself). */
const UNKNOWN_SITE = -1;

export class DemographicsTracker implements CollectionObserver {
  /** Record index + 1 of the object starting at each granule; 0: none. */
  private readonly idAt: Int32Array;
  // The record table: one entry per tracked object (live, or dead and not yet reclaimed).
  private addr: Int32Array = new Int32Array(1024);
  private site: Int32Array = new Int32Array(1024);
  private size: Int32Array = new Int32Array(1024);
  private birth: Float64Array = new Float64Array(1024);
  private lastUse: Float64Array = new Float64Array(1024);
  private death: Float64Array = new Float64Array(1024);
  private flags: Uint8Array = new Uint8Array(1024);
  /** Census epoch that last reached each record; `placed`: epoch of the after-collection walk that placed it. */
  private mark: Int32Array = new Int32Array(1024);
  private placed: Int32Array = new Int32Array(1024);
  private highWater = 0;
  private freeRecords: Int32Array = new Int32Array(1024);
  private freeCount = 0;
  private epoch = 0;
  /** Records in the order the last census before a collection reached them (moving collectors), and how many. */
  private order: Int32Array = new Int32Array(1024);
  private ordered = 0;
  /** Records young when the current collection began (promotion candidates). */
  private young: Int32Array = new Int32Array(1024);
  private youngCount = 0;
  private stack: Int32Array = new Int32Array(1024);

  private readonly sites: Record<SiteFigure, Float64Array>;
  private siteCount: number;
  private readonly lifetimeObjects = new Float64Array(BUCKETS);
  private readonly lifetimeBytes = new Float64Array(BUCKETS);
  private readonly sizeObjects = new Float64Array(BUCKETS);
  private readonly sizeBytes = new Float64Array(BUCKETS);
  private births = 0;
  private bornBytes = 0;
  private dragTotal = 0;
  private dragAfterDeath = 0;

  private nextCensus: number;
  private lastCensusAt = 0;
  private maxGap = 0;
  censuses = 0;
  /** False once the run's figures are taken: the end-of-run collection is not part of the run. */
  private active = true;
  private generational = false;
  private result: DemographicsResult | undefined;

  constructor(
    private readonly heap: Heap,
    private readonly roots: Roots,
    /** The run's recorder, read for the clock (bytes allocated); set before the first allocation. */
    private readonly clock: () => Recorder,
    private readonly moving: boolean,
    private readonly reclamation: Reclamation,
    /** Names of the sites the mutator allocates at, by number; a site beyond them is named by `describeSite`. */
    private readonly describeSite: (site: number) => string,
    /** Bytes allocated between censuses; undefined: auto. */
    private readonly interval: number | undefined,
  ) {
    this.idAt = new Int32Array((heap.end >> 3) + 1);
    this.siteCount = 16;
    this.sites = Object.fromEntries(SITE_FIGURES.map((f) => [f, new Float64Array(16)])) as Record<SiteFigure, Float64Array>;
    this.nextCensus = interval ?? MIN_CENSUS_INTERVAL;
  }

  /** The recorder, once it exists (it is built after its observers). */
  private recorder: Recorder | undefined;

  private now(): number {
    return (this.recorder ??= this.clock()).allocatedBytes;
  }

  /** Before an allocation: a census when one is due. */
  beforeAllocation(): void {
    if (this.now() >= this.nextCensus && this.active) this.census(false);
  }

  /** After an allocation returned `a` for the object (nslots, payloadBytes) at `site`. */
  born(a: number, nslots: number, payloadBytes: number, site: number): void {
    if (!this.active) return;
    const g = a >> 3;
    const previous = this.idAt[g] - 1;
    // Memory reused without a census seeing its occupant die: reference counting freed it.
    if (previous >= 0 && (this.flags[previous] & STATE) === LIVE && this.addr[previous] === a) {
      const now = this.now();
      this.die(previous, now);
      this.reclaim(previous, now);
    }
    const bytes = objectBytes(nslots, payloadBytes);
    const r = this.newRecord(a, site, bytes, this.now());
    this.births++;
    this.bornBytes += bytes;
    this.idAt[g] = r + 1;
    const b = bucketOf(bytes);
    this.sizeObjects[b]++;
    this.sizeBytes[b] += bytes;
  }

  /** A load, store, read or write through the object at `a`. */
  use(a: number): void {
    const r = this.idAt[a >> 3] - 1;
    if (r >= 0) this.lastUse[r] = this.now();
  }

  beforeCollection(collector: Collected, _recorder: Recorder, _index: number): void {
    if (!this.active || this.reclamation === "at-death") return;
    this.generational = collector.isYoung !== undefined;
    this.census(true, collector);
  }

  afterCollection(collector: Collected, _recorder: Recorder, index: number, full: boolean): void {
    if (!this.active || this.reclamation === "at-death") return;
    if (this.moving) this.relocate(index);
    const isYoung = collector.isYoung;
    if (isYoung) {
      for (let i = 0; i < this.youngCount; i++) {
        const r = this.young[i];
        if ((this.flags[r] & STATE) !== LIVE || (this.flags[r] & PROMOTED) !== 0 || isYoung.call(collector, this.addr[r])) continue;
        this.flags[r] |= PROMOTED;
        const s = this.site[r];
        this.sites.promotedObjects[s]++;
        this.sites.promotedBytes[s] += this.size[r];
      }
    }
    this.youngCount = 0;
    if (this.reclamation !== "at-collection") return;
    const now = this.now();
    const onlyYoung = !full && isYoung !== undefined;
    for (let r = 0; r < this.highWater; r++) {
      const f = this.flags[r];
      if ((f & STATE) === DEAD && (!onlyYoung || (f & YOUNG_AT_DEATH) !== 0)) this.reclaim(r, now);
    }
  }

  /**
   * Ends the run's tracking where the run's figures are taken (before the
   * end-of-run collection): a last census, then the result. A run that
   * stopped in an error is censused where it stopped (its roots are those of
   * the allocation or statement that failed).
   */
  finish(): DemographicsResult {
    if (this.result) return this.result;
    const end = this.now();
    this.census(false);
    this.active = false;
    const idleAtLeast = Math.floor(end * UNUSED_AT_END_SHARE);
    const unused = new Map<number, UnusedSite>();
    let reachableDrag = 0;
    let liveObjects = 0;
    let liveBytes = 0;
    let unusedObjects = 0;
    let unusedBytes = 0;
    for (let r = 0; r < this.highWater; r++) {
      const state = this.flags[r] & STATE;
      if (state === FREE) continue;
      const size = this.size[r];
      const drag = size * (end - this.lastUse[r]);
      if (state === DEAD) {
        // Dead and not reclaimed when the run ended: dragged to the end.
        this.addDrag(r, drag, size * (end - this.death[r]));
        continue;
      }
      liveObjects++;
      liveBytes += size;
      reachableDrag += drag;
      this.sites.drag[this.site[r]] += drag;
      this.dragTotal += drag;
      if (end - this.lastUse[r] >= idleAtLeast && idleAtLeast > 0) {
        unusedObjects++;
        unusedBytes += size;
        const s = this.site[r];
        let row = unused.get(s);
        if (!row) unused.set(s, (row = { site: this.siteName(s), objects: 0, bytes: 0, drag: 0 }));
        row.objects++;
        row.bytes += size;
        row.drag += drag;
      }
    }
    const siteRows: SiteDemographics[] = [];
    const f = this.sites;
    for (let s = 0; s < this.siteCount; s++) {
      if (f.objects[s] === 0) continue;
      siteRows.push({
        site: this.siteName(s),
        objects: f.objects[s],
        bytes: f.bytes[s],
        survivedFirstCollection: f.met[s] > 0 ? f.survived[s] / f.met[s] : null,
        promotedBytes: this.generational ? f.promotedBytes[s] : null,
        promotedObjects: this.generational ? f.promotedObjects[s] : null,
        meanLifetime: f.died[s] > 0 ? f.lifetimeSum[s] / f.died[s] : null,
        died: f.died[s],
        drag: f.drag[s],
        dragAfterDeath: f.dragAfterDeath[s],
      });
    }
    siteRows.sort((a, b) => (b.promotedBytes ?? 0) - (a.promotedBytes ?? 0) || b.bytes - a.bytes || (a.site < b.site ? -1 : 1));
    this.result = {
      censuses: this.censuses,
      deathPrecisionBytes: this.maxGap,
      reclamation: this.reclamation,
      objects: this.births,
      bytes: this.bornBytes,
      lifetimes: histogram(this.lifetimeObjects, this.lifetimeBytes),
      liveAtEnd: { objects: liveObjects, bytes: liveBytes },
      sizes: histogram(this.sizeObjects, this.sizeBytes),
      sites: siteRows,
      drag: {
        total: this.dragTotal,
        afterDeath: this.dragAfterDeath,
        reachableAtEnd: reachableDrag,
        meanBytes: end > 0 ? this.dragTotal / end : 0,
      },
      unusedAtEnd: {
        idleAtLeast,
        objects: unusedObjects,
        bytes: unusedBytes,
        sites: [...unused.values()].sort((a, b) => b.drag - a.drag || (a.site < b.site ? -1 : 1)),
      },
    };
    return this.result;
  }

  /** The name of accumulator row `row` (ensureSite). */
  private siteName(row: number): string {
    return row === 0 ? "(not allocated by the mutator)" : this.describeSite(row - 1);
  }

  // ---- censuses ----

  /**
   * An exact trace from the roots: records not reached die now. At a
   * collection it also settles first-collection survival, lists promotion
   * candidates and, for a moving collector, the order it reached records in.
   */
  private census(collection: boolean, collector?: Collected): void {
    const now = this.now();
    this.censuses++;
    if (now - this.lastCensusAt > this.maxGap) this.maxGap = now - this.lastCensusAt;
    this.lastCensusAt = now;
    const epoch = ++this.epoch;
    const listOrder = collection && this.moving;
    const mem = this.heap.mem;
    const idAt = this.idAt;
    let stack = this.stack;
    let top = 0;
    let reachedBytes = 0;
    this.ordered = 0;
    const { globals, stack: frames } = this.roots;
    const sp = this.roots.stackTop();
    for (let pass = 0; pass < 2; pass++) {
      const slots = pass === 0 ? globals : frames;
      const n = pass === 0 ? globals.length : sp;
      for (let i = 0; i < n; i++) {
        const ref = slots[i];
        if (ref <= 0) continue;
        const r = this.recordOf(ref, now);
        if (this.mark[r] === epoch) continue;
        this.mark[r] = epoch;
        if (listOrder) this.listOrder(r);
        if (top === stack.length) stack = this.stack = grow(stack);
        stack[top++] = ref;
      }
    }
    while (top > 0) {
      const w = stack[--top] >> 2;
      const nslots = mem[w] & NSLOTS_MASK;
      reachedBytes += 8 + 8 * nslots + ((mem[w + 1] + 7) & ~7);
      for (let s = w + 2, end = w + 2 + 2 * nslots; s < end; s += 2) {
        const ref = mem[s];
        if (ref <= 0) continue;
        const r = idAt[ref >> 3] - 1;
        const record = r >= 0 && this.addr[r] === ref && (this.flags[r] & STATE) === LIVE ? r : this.recordOf(ref, now);
        if (this.mark[record] === epoch) continue;
        this.mark[record] = epoch;
        if (listOrder) this.listOrder(record);
        if (top === stack.length) stack = this.stack = grow(stack);
        stack[top++] = ref;
      }
    }
    const isYoung = collection ? collector?.isYoung : undefined;
    const f = this.sites;
    for (let r = 0; r < this.highWater; r++) {
      const flags = this.flags[r];
      const state = flags & STATE;
      if (state === FREE) continue;
      const reached = state === LIVE && this.mark[r] === epoch;
      if (state === LIVE && !reached) this.die(r, now);
      if (!collection) continue;
      // Dead since this census or an earlier one, and not moved since: where it lies says whether a minor collection frees it.
      if (!reached && isYoung && (flags & YOUNG_AT_DEATH) === 0 && isYoung.call(collector, this.addr[r])) this.flags[r] |= YOUNG_AT_DEATH;
      if ((flags & MET_COLLECTION) === 0) {
        this.flags[r] |= MET_COLLECTION;
        f.met[this.site[r]]++;
        if (reached) f.survived[this.site[r]]++;
      }
      if (reached && isYoung && (flags & PROMOTED) === 0 && isYoung.call(collector, this.addr[r])) {
        if (this.youngCount === this.young.length) this.young = grow(this.young);
        this.young[this.youngCount++] = r;
      }
    }
    this.nextCensus = now + (this.interval ?? Math.max(MIN_CENSUS_INTERVAL, reachedBytes));
  }

  /** The live record of the object at `ref`; an object no allocation reported is adopted with an unknown site. */
  private recordOf(ref: number, now: number): number {
    const r = this.idAt[ref >> 3] - 1;
    if (r >= 0 && this.addr[r] === ref && (this.flags[r] & STATE) === LIVE) return r;
    const mem = this.heap.mem;
    const w = ref >> 2;
    const adopted = this.newRecord(ref, UNKNOWN_SITE, objectBytes(mem[w] & NSLOTS_MASK, mem[w + 1]), now);
    this.idAt[ref >> 3] = adopted + 1;
    return adopted;
  }

  private listOrder(r: number): void {
    if (this.ordered === this.order.length) this.order = grow(this.order);
    this.order[this.ordered++] = r;
  }

  /**
   * After a moving collection: the same depth-first walk as the census
   * before it reaches the same objects in the same order, at their new
   * addresses; the k-th object reached is the k-th record listed.
   */
  private relocate(collection: number): void {
    const idAt = this.idAt;
    for (let i = 0; i < this.ordered; i++) {
      const r = this.order[i];
      if (idAt[this.addr[r] >> 3] === r + 1) idAt[this.addr[r] >> 3] = 0;
    }
    const epoch = this.epoch;
    const mem = this.heap.mem;
    let stack = this.stack;
    let top = 0;
    let k = 0;
    const place = (ref: number): boolean => {
      const seen = idAt[ref >> 3] - 1;
      if (seen >= 0 && this.placed[seen] === epoch && this.addr[seen] === ref) return false;
      if (k >= this.ordered) throw new VerificationError(collection, ref, `more objects reachable after it than the ${this.ordered} before it, as --demographics traced them (a collection must not change the reachable graph)`);
      const r = this.order[k++];
      this.addr[r] = ref;
      this.placed[r] = epoch;
      idAt[ref >> 3] = r + 1;
      return true;
    };
    const { globals, stack: frames } = this.roots;
    const sp = this.roots.stackTop();
    for (let pass = 0; pass < 2; pass++) {
      const slots = pass === 0 ? globals : frames;
      const n = pass === 0 ? globals.length : sp;
      for (let i = 0; i < n; i++) {
        const ref = slots[i];
        if (ref <= 0 || !place(ref)) continue;
        if (top === stack.length) stack = this.stack = grow(stack);
        stack[top++] = ref;
      }
    }
    while (top > 0) {
      const w = stack[--top] >> 2;
      for (let s = w + 2, end = w + 2 + 2 * (mem[w] & NSLOTS_MASK); s < end; s += 2) {
        const ref = mem[s];
        if (ref <= 0 || !place(ref)) continue;
        if (top === stack.length) stack = this.stack = grow(stack);
        stack[top++] = ref;
      }
    }
    if (k !== this.ordered) throw new VerificationError(collection, 0, `${this.ordered} objects reachable before it and ${k} after, as --demographics traced them (a collection must not change the reachable graph)`);
  }

  // ---- records ----

  private newRecord(a: number, site: number, bytes: number, now: number): number {
    let r: number;
    if (this.freeCount > 0) {
      r = this.freeRecords[--this.freeCount];
    } else {
      if (this.highWater === this.addr.length) this.growRecords();
      r = this.highWater++;
    }
    this.addr[r] = a;
    const s = this.ensureSite(site);
    this.site[r] = s;
    this.size[r] = bytes;
    this.birth[r] = now;
    this.lastUse[r] = now;
    this.death[r] = 0;
    this.flags[r] = LIVE;
    this.mark[r] = 0;
    this.placed[r] = 0;
    this.sites.objects[s]++;
    this.sites.bytes[s] += bytes;
    return r;
  }

  /** A site's row in the accumulators: row 0 is objects no allocation reported (adopted by a census). */
  private ensureSite(site: number): number {
    const row = site === UNKNOWN_SITE ? 0 : site + 1;
    if (row >= this.siteCount) {
      let n = this.siteCount;
      while (n <= row) n *= 2;
      for (const name of SITE_FIGURES) {
        const bigger = new Float64Array(n);
        bigger.set(this.sites[name]);
        this.sites[name] = bigger;
      }
      this.siteCount = n;
    }
    return row;
  }

  private die(r: number, now: number): void {
    this.flags[r] = (this.flags[r] & ~STATE) | DEAD;
    this.death[r] = now;
    const g = this.addr[r] >> 3;
    if (this.idAt[g] === r + 1) this.idAt[g] = 0;
    const lifetime = now - this.birth[r];
    const b = bucketOf(lifetime);
    this.lifetimeObjects[b]++;
    this.lifetimeBytes[b] += this.size[r];
    const s = this.site[r];
    this.sites.died[s]++;
    this.sites.lifetimeSum[s] += lifetime;
    if (this.reclamation === "at-death") this.reclaim(r, now);
  }

  private reclaim(r: number, now: number): void {
    if ((this.flags[r] & STATE) !== DEAD) return;
    const size = this.size[r];
    this.addDrag(r, size * (now - this.lastUse[r]), size * (now - this.death[r]));
    this.flags[r] = FREE;
    if (this.freeCount === this.freeRecords.length) this.freeRecords = grow(this.freeRecords);
    this.freeRecords[this.freeCount++] = r;
  }

  private addDrag(r: number, drag: number, afterDeath: number): void {
    const s = this.site[r];
    this.dragTotal += drag;
    this.dragAfterDeath += afterDeath;
    this.sites.drag[s] += drag;
    this.sites.dragAfterDeath[s] += afterDeath;
  }

  private growRecords(): void {
    const n = this.addr.length * 2;
    this.addr = growInts(this.addr, n);
    this.site = growInts(this.site, n);
    this.size = growInts(this.size, n);
    this.mark = growInts(this.mark, n);
    this.placed = growInts(this.placed, n);
    this.birth = growFloats(this.birth, n);
    this.lastUse = growFloats(this.lastUse, n);
    this.death = growFloats(this.death, n);
    this.flags = growBytes(this.flags, n);
  }
}

/** Log2 bucket: 0 for 0, else k for [2^(k-1), 2^k). */
function bucketOf(value: number): number {
  if (value < 1) return 0;
  // Every size and most lifetimes fit 31 bits, where counting leading zeros is exact and cheap.
  if (value < 0x80000000) return 32 - Math.clz32(value);
  const k = Math.floor(Math.log2(value)) + 1;
  return k < BUCKETS ? k : BUCKETS - 1;
}

/** The buckets from the first non-empty one to the last, empty ones between included (a histogram's x axis). */
function histogram(objects: Float64Array, bytes: Float64Array): HistogramBucket[] {
  let first = -1;
  let last = -1;
  for (let b = 0; b < BUCKETS; b++) {
    if (objects[b] === 0) continue;
    if (first < 0) first = b;
    last = b;
  }
  const rows: HistogramBucket[] = [];
  for (let b = Math.max(first, 0); first >= 0 && b <= last; b++) {
    rows.push({ fromBytes: b === 0 ? 0 : 2 ** (b - 1), toBytes: b === 0 ? 1 : 2 ** b, objects: objects[b], bytes: bytes[b] });
  }
  return rows;
}

function grow(items: Int32Array): Int32Array {
  return growInts(items, items.length * 2);
}

function growInts(items: Int32Array, n: number): Int32Array {
  const bigger = new Int32Array(n);
  bigger.set(items);
  return bigger;
}

function growFloats(items: Float64Array, n: number): Float64Array {
  const bigger = new Float64Array(n);
  bigger.set(items);
  return bigger;
}

function growBytes(items: Uint8Array, n: number): Uint8Array {
  const bigger = new Uint8Array(n);
  bigger.set(items);
  return bigger;
}
