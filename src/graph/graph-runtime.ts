/**
 * What the workload language's graph statements do at run time, on a graph
 * loaded from a sidecar file (a captured heap):
 *   build    - allocate one object per node (payload word 0 holds the node's
 *              number) and one reference per edge; return an object holding
 *              the roots
 *   rewire   - point a random edge of a random reachable object at another
 *              random reachable object, `count` times
 *   rebuild  - replace the target of a random reachable edge by a fresh copy
 *              of the captured subgraph below it (breadth-first, at most
 *              `nodes` objects; edges leaving the copy are null), `count` times
 * Objects are reached by short random walks from the roots. Every heap
 * store goes through the collector's write barrier and every hidden root
 * through its root barrier, and addresses that an allocation could move are
 * kept in hidden roots and re-read, so every collector, moving or counting,
 * sees a correct heap.
 *
 * Work limit: rewire and rebuild count their steps (one per edge rewired,
 * one per object copied) against `maxOps`, like the statements of the
 * workload against --max-ops. A count that cannot fit in what is left fails
 * before any work is done, so a runaway count stops at once instead of
 * running for minutes; a rebuild whose copies exhaust the limit stops at the
 * copy that does.
 */
import type { Collector } from "../collectors/collector.js";
import { WorkloadRuntimeError } from "../errors.js";
import { IntMap } from "../heap/int-map.js";
import { IntStack } from "../heap/int-stack.js";
import { NSLOTS_MASK } from "../heap/object-model.js";
import type { LiveStoreLog } from "../metrics/peak-live.js";
import type { Rng } from "../util/rng.js";
import type { ObjectGraph } from "./graph-file.js";

/** Indices in the globals array of the hidden roots the graph statements use. */
export interface GraphRootSlots {
  table: number;
  roots: number;
  hold: number;
}

const WALK_STEPS = 8;

export class GraphRuntime {
  private readonly mem: Int32Array;
  /** Steps done by rewire and rebuild so far. */
  ops = 0;

  constructor(
    private readonly graph: ObjectGraph,
    private readonly gc: Collector,
    private readonly globals: Int32Array,
    private readonly slots: GraphRootSlots,
    private readonly rng: Rng,
    /** The most steps rewire and rebuild may do in a run: the run's --max-ops. */
    private readonly maxOps: number,
    /** Statement paths by site, to name the statement that hit the limit. */
    private readonly sites: readonly string[],
    /** The live-size probe's store log, told of every reference store. */
    private readonly liveStores?: LiveStoreLog,
  ) {
    this.mem = gc.heap.mem;
  }

  private slotCount(obj: number): number {
    return this.mem[obj >> 2] & NSLOTS_MASK;
  }

  private load(obj: number, slot: number): number {
    return this.mem[(obj >> 2) + 2 + 2 * slot];
  }

  /** A reference store, through the collector's write barrier, told to the probe's store log first. */
  private store(obj: number, slot: number, value: number): void {
    this.liveStores?.store(obj, this.load(obj, slot), value);
    this.gc.writeRef(obj, slot, value);
  }

  private hold(slot: number, value: number): void {
    this.gc.writeRoot(this.globals, slot, value);
  }

  /** Allocates node v of the graph, tagged with its number. */
  private allocNode(v: number, site: number): number {
    const g = this.graph;
    const a = this.gc.alloc(g.edgeStart[v + 1] - g.edgeStart[v], g.payloadBytes[v], site);
    this.mem[(a >> 2) + 2 + 2 * this.slotCount(a)] = v;
    return a;
  }

  /** Allocates `nodes` (graph node numbers) and their edges among themselves; returns the table holding them. */
  private materialise(nodes: IntStack, site: number): number {
    const g = this.graph;
    const table = this.slots.table;
    this.hold(table, this.gc.alloc(nodes.length, 0, site));
    const position = new IntMap(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes.at(i);
      position.set(v + 1, i);
      const a = this.allocNode(v, site);
      this.store(this.globals[table], i, a);
    }
    const t = this.globals[table];
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes.at(i);
      const obj = this.load(t, i);
      for (let e = g.edgeStart[v], k = 0; e < g.edgeStart[v + 1]; e++, k++) {
        const to = position.get(g.edgeTarget[e] + 1);
        if (to !== undefined) this.store(obj, k, this.load(t, to));
      }
    }
    return t;
  }

  build(site: number): number {
    const g = this.graph;
    const all = new IntStack(g.n);
    for (let v = 0; v < g.n; v++) all.push(v);
    this.materialise(all, site);
    const roots = this.gc.alloc(g.roots.length, 0, site);
    const t = this.globals[this.slots.table];
    for (let i = 0; i < g.roots.length; i++) this.store(roots, i, this.load(t, g.roots[i]));
    this.hold(this.slots.table, -1);
    return roots;
  }

  /** A random object reached from a random root in a few random steps, or 0. */
  private walk(roots: number): number {
    const r = this.slotCount(roots);
    if (r === 0) return 0;
    let x = this.load(roots, this.rng.below(r));
    if (x <= 0) return 0;
    for (let steps = this.rng.below(WALK_STEPS + 1); steps > 0; steps--) {
      const n = this.slotCount(x);
      if (n === 0) break;
      const y = this.load(x, this.rng.below(n));
      if (y > 0) x = y;
    }
    return x;
  }

  /** Charges `steps` to the work limit, or fails naming the statement. */
  private charge(steps: number, what: string, site: number): void {
    if (steps > this.maxOps - this.ops) {
      const path = this.sites[site] ?? `a graph ${what} statement`;
      throw new WorkloadRuntimeError(`graph ${what} of ${steps} steps exceeds the operation limit of ${this.maxOps} (raise it with --max-ops)`, path);
    }
    this.ops += steps;
  }

  rewire(roots: number, count: number, site: number): void {
    this.charge(Math.max(0, count), "rewire", site);
    for (let i = 0; i < count; i++) {
      const x = this.walk(roots);
      if (x <= 0 || this.slotCount(x) === 0) continue;
      const y = this.walk(roots);
      if (y > 0) this.store(x, this.rng.below(this.slotCount(x)), y);
    }
  }

  rebuild(roots: number, count: number, nodes: number, site: number): void {
    const g = this.graph;
    // At least one step per round up front; the objects each copy makes are charged as it is made.
    this.charge(Math.max(0, count), "rebuild", site);
    this.hold(this.slots.roots, roots);
    for (let i = 0; i < count; i++) {
      const x = this.walk(this.globals[this.slots.roots]);
      if (x <= 0 || this.slotCount(x) === 0) continue;
      const slot = this.rng.below(this.slotCount(x));
      const target = this.load(x, slot);
      if (target <= 0) continue;
      const v = this.mem[(target >> 2) + 2 + 2 * this.slotCount(target)];
      // The captured subgraph below v, breadth-first, at most `nodes` nodes.
      const copy = new IntStack();
      const seen = new IntMap();
      copy.push(v);
      seen.set(v + 1, 1);
      for (let q = 0; q < copy.length && copy.length < nodes; q++) {
        const u = copy.at(q);
        for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1] && copy.length < nodes; e++) {
          const w = g.edgeTarget[e];
          if (!seen.has(w + 1)) {
            seen.set(w + 1, 1);
            copy.push(w);
          }
        }
      }
      this.charge(copy.length - 1, "rebuild", site);
      this.hold(this.slots.hold, x);
      const t = this.materialise(copy, site);
      this.store(this.globals[this.slots.hold], slot, this.load(t, 0));
      this.hold(this.slots.table, -1);
      this.hold(this.slots.hold, -1);
    }
    this.hold(this.slots.roots, -1);
  }
}
