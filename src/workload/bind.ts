/**
 * Binding a loaded workload to one run, whatever its kind: the parameters in
 * effect, the root set's size, how allocation sites read in messages, and the
 * mutator built against the run's collector. A JSON workload is linked to the
 * collector's barriers (compiler/link.ts); a script workload reads them at
 * run time (script/mutator.ts). This is the one place that tells them apart.
 */
import type { Collector } from "../collectors/collector.js";
import type { Roots } from "../heap/heap.js";
import type { Rng } from "../util/rng.js";
import { linkProgram, type LinkOptions } from "./compile.js";
import { effectiveParams } from "./compiler/declarations.js";
import { programFor, type LoadedWorkload } from "./load.js";
import { instantiate, type Mutator, type UseTracker } from "./program.js";
import type { LiveStoreLog } from "../metrics/peak-live.js";
import { INITIAL_STACK_SLOTS, instantiateScript } from "./script/mutator.js";

export interface BoundWorkload {
  /** Effective parameter values (defaults with overrides applied). */
  params: Record<string, number>;
  /** Initial shadow-stack slots and reference globals of the run's Roots. */
  stackSlots: number;
  globalRefCount: number;
  /** An allocation site number as a message names it. */
  describeSite(site: number): string;
  /** The mutator, bound to the collector's heap and the run's roots and random source; `uses` hears of every use of an object (link.trackUses). */
  /** With `liveStores`, every reference store is reported to it (link with `liveStores` for compiled workloads). */
  instantiate(gc: Collector, roots: Roots, rng: Rng, uses?: UseTracker, liveStores?: LiveStoreLog): Mutator;
}

export function bindWorkload(workload: LoadedWorkload, params: Readonly<Record<string, number>> | undefined, link: LinkOptions): BoundWorkload {
  const script = workload.script;
  if (script) {
    // Overrides were checked when the workload was loaded.
    const effective = effectiveParams(script.definition.params, params, () => {});
    return {
      params: effective,
      stackSlots: INITIAL_STACK_SLOTS,
      // The declared globals, then the return register.
      globalRefCount: Object.keys(script.globals).length + 1,
      describeSite: (site) => (site < script.typeNames.length ? `alloc("${script.typeNames[site]}")` : "allocRaw"),
      instantiate: (gc, roots, rng, uses, liveStores) => instantiateScript(script, effective, gc, roots, rng, link, uses, liveStores),
    };
  }
  const program = linkProgram(programFor(workload, params), link);
  return {
    params: program.params,
    stackSlots: program.stackSlots,
    globalRefCount: program.globalRefCount,
    describeSite: (site) => program.sites[site] ?? `site ${site}`,
    instantiate: (gc, roots, rng, uses, liveStores) => instantiate(program, gc, roots, rng, workload.graph, uses, liveStores),
  };
}
