/**
 * The one place collectors are registered. Adding a collector is one folder
 * under src/collectors and one entry here.
 */
import { InputError } from "../errors.js";
import type { Heap, Roots } from "../heap/heap.js";
import type { Collector, CollectorConstraints } from "./collector.js";
import type { OptionSpecs, ParsedOptions } from "./options.js";
import { CopyingCollector } from "./copying/index.js";
import { GenerationalCollector, generationalOptions } from "./generational/index.js";
import { MarkCompactCollector } from "./mark-compact/index.js";
import { MarkSweepCollector } from "./mark-sweep/index.js";
import { NoCollector } from "./none/index.js";
import { RefCountCollector, rcOptions } from "./rc/index.js";

export interface CollectorEntry {
  readonly description: string;
  readonly constraints: CollectorConstraints;
  /** The collector's `--opt` options: defaults, meanings, parsers. */
  readonly options: OptionSpecs;
  /** Builds the collector; `options` holds every option of `options`, parsed. */
  create(heap: Heap, roots: Roots, options: Record<string, unknown>): Collector;
}

export const collectors = {
  none: {
    description: "never collects (the no-GC / Epsilon baseline): measures the mutator and allocation volume",
    constraints: NoCollector.constraints,
    options: {},
    create: (heap, roots) => new NoCollector(heap, roots),
  },
  "mark-sweep": {
    description: "non-moving mark-sweep over segregated-fits free lists",
    constraints: MarkSweepCollector.constraints,
    options: {},
    create: (heap, roots) => new MarkSweepCollector(heap, roots),
  },
  copying: {
    description: "Cheney semispace copying; half the heap is copy reserve",
    constraints: CopyingCollector.constraints,
    options: {},
    create: (heap, roots) => new CopyingCollector(heap, roots),
  },
  "mark-compact": {
    description: "Lisp 2 sliding mark-compact with bump allocation; no fragmentation",
    constraints: MarkCompactCollector.constraints,
    options: {},
    create: (heap, roots) => new MarkCompactCollector(heap, roots),
  },
  rc: {
    description: "reference counting with Bacon-Rajan synchronous cycle collection (trial deletion)",
    constraints: RefCountCollector.constraints,
    options: rcOptions,
    create: (heap, roots, options) => new RefCountCollector(heap, roots, options as ParsedOptions<typeof rcOptions>),
  },
  generational: {
    description: "copying nursery promoting into a mark-sweep or mark-compact mature space, with a write barrier",
    constraints: GenerationalCollector.constraints,
    options: generationalOptions,
    create: (heap, roots, options) =>
      new GenerationalCollector(heap, roots, options as ParsedOptions<typeof generationalOptions>),
  },
} satisfies Record<string, CollectorEntry>;

export type CollectorName = keyof typeof collectors;
export const collectorNames = Object.keys(collectors) as CollectorName[];

export function collectorEntry(name: string): CollectorEntry {
  if (!Object.hasOwn(collectors, name)) {
    throw new InputError(`unknown collector "${name}" (collectors: ${collectorNames.join(", ")})`);
  }
  return collectors[name as CollectorName];
}
