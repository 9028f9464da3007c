/**
 * The one place built-in collectors are registered. Adding a collector is
 * one folder under src/collectors, whose index.ts default-exports a
 * `defineCollector({...})` definition, and one line in `builtIns` below
 * (plus its import). A user's collector is one file with the same default
 * export, loaded by path (see user-collector.ts).
 */
import { InputError } from "../errors.js";
import { didYouMean } from "../util/suggest.js";
import type { CollectorDefinition } from "./collector.js";
import concurrentMarkSweep from "./concurrent-mark-sweep/index.js";
import copying from "./copying/index.js";
import generational from "./generational/index.js";
import genImmix from "./gen-immix/index.js";
import immix from "./immix/index.js";
import incrementalMarkSweep from "./incremental-mark-sweep/index.js";
import markCompact from "./mark-compact/index.js";
import markSweep from "./mark-sweep/index.js";
import none from "./none/index.js";
import rc from "./rc/index.js";
import stickyImmix from "./sticky-immix/index.js";

const builtIns = [none, markSweep, copying, markCompact, rc, generational, immix, stickyImmix, genImmix, incrementalMarkSweep, concurrentMarkSweep] as const;

export type CollectorName = (typeof builtIns)[number]["name"];

/** Definitions by name, with options typed as the registry sees them. */
export const collectors = Object.fromEntries(builtIns.map((d) => [d.name, d as unknown as CollectorDefinition])) as Record<
  CollectorName,
  CollectorDefinition
>;
export const collectorNames = builtIns.map((d) => d.name) as CollectorName[];

export function isCollectorName(name: string): name is CollectorName {
  return Object.hasOwn(collectors, name);
}

export function collectorEntry(name: string): CollectorDefinition {
  if (!isCollectorName(name)) {
    throw new InputError(
      `unknown collector "${name}"${didYouMean(name, collectorNames)} (collectors: ${collectorNames.join(", ")}, or a collector file such as ./my-gc.ts)`,
    );
  }
  return collectors[name];
}
