/**
 * Collector specs: the one place a collector named on the command line (or
 * in a library call) becomes a definition plus the options set for it.
 *
 *   NAME[:key=value[:key=value...]]     e.g. generational:barrier=cards, rc:cycles=off,
 *                                             ./examples/collectors/paced-mark-sweep.ts:pace=4
 *
 * NAME is a built-in collector or a collector file (see user-collector.ts).
 * Options are the trailing `key=value` segments, so NAME may itself contain
 * colons or slashes (C:\gc\my-gc.ts). Every collector name goes through
 * resolveCollectorSpec (builtInCollector where only built-ins can be meant
 * and loading is not possible: the synchronous library call runWorkload).
 */
import type { CollectorDefinition } from "../collectors/collector.js";
import { parseOptions } from "../collectors/options.js";
import { collectorEntry, collectorNames } from "../collectors/registry.js";
import { isCollectorPath, loadCollector } from "../collectors/user-collector.js";
import { InputError } from "../errors.js";
import { didYouMean } from "../util/suggest.js";

export interface CollectorSpec {
  /** The text as given. */
  spec: string;
  /** A built-in's name or a collector file's path, as given: what each thread loads. */
  name: string;
  definition: CollectorDefinition;
  /** Options set in the spec, in the order given. */
  options: Record<string, string>;
}

const OPTION_SEGMENT = /^([A-Za-z][A-Za-z0-9-]*)=(.*)$/;

/** A run's label: the collector, then each option set for it, `name:key=value:...`. */
export function collectorLabel(name: string, options: Record<string, string>): string {
  return [name, ...Object.entries(options).map(([k, v]) => `${k}=${v}`)].join(":");
}

/** The name and the trailing key=value segments of a spec. */
function splitSpec(spec: string): { name: string; segments: string[] } {
  const segments = spec.trim().split(":");
  let split = segments.length;
  while (split > 1 && OPTION_SEGMENT.test(segments[split - 1])) split--;
  return { name: segments.slice(0, split).join(":"), segments: segments.slice(split) };
}

/** The spec's options, each declared by the collector and set once. */
function specOptions(spec: string, definition: CollectorDefinition, segments: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const segment of segments) {
    const [, key, value] = OPTION_SEGMENT.exec(segment)!;
    if (!Object.hasOwn(definition.options, key)) {
      const names = Object.keys(definition.options);
      throw new InputError(
        `${spec}: unknown option "${key}" for collector ${definition.name}${didYouMean(key, names)} (${names.length ? `options: ${names.join(", ")}` : "it has no options"})`,
      );
    }
    if (Object.hasOwn(options, key)) throw new InputError(`${spec}: option "${key}" is set twice`);
    options[key] = value;
  }
  return options;
}

/** A built-in collector's spec, without loading anything; a collector file is an input error here. */
export function builtInCollector(spec: string): CollectorSpec {
  const { name, segments } = splitSpec(spec);
  if (isCollectorPath(name)) throw new InputError(`${spec}: a collector file must be loaded first (loadCollector, or resolveCollectorSpec)`);
  const definition = collectorEntry(name);
  return { spec, name, definition, options: specOptions(spec, definition, segments) };
}

/** A built-in collector's or a collector file's spec; files are loaded (once per thread). */
export async function resolveCollectorSpec(spec: string): Promise<CollectorSpec> {
  const { name, segments } = splitSpec(spec);
  // A built-in by name (an unknown name is an input error naming the collectors), else a file.
  const definition = await loadCollector(name);
  return { spec, name, definition, options: specOptions(spec, definition, segments) };
}

/** The options a collector runs with when `given` are set: every option, defaults filled in (unparsed text). */
export function effectiveOptions(definition: CollectorDefinition, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(definition.options).map(([k, o]) => [k, Object.hasOwn(given, k) ? given[k] : o.default]));
}

/** A comma-separated list of specs; "all" stands for every built-in collector (`all,rc:cycles=off`). */
export async function parseCollectorList(text: string): Promise<CollectorSpec[]> {
  const specs = text.split(",").flatMap((s) => (s.trim() === "all" ? [...collectorNames] : [s]));
  return Promise.all(specs.map((s) => resolveCollectorSpec(s)));
}

/** One collector configuration to run: what to load, the options set for it, and its label. */
export interface CollectorRun {
  /** A built-in's name or a collector file's path. */
  name: string;
  options: Record<string, string>;
  label: string;
}

/**
 * The configurations to run: each spec's own options over the `--opt` values
 * its collector declares. An `--opt` no chosen collector declares, a bad
 * option value, and two specs naming the same configuration (the same
 * collector with the same effective options, e.g. generational and
 * generational:barrier=remset) are input errors.
 */
export function collectorRuns(specs: CollectorSpec[], opt: Record<string, string> = {}): CollectorRun[] {
  for (const key of Object.keys(opt)) {
    if (!specs.some((s) => Object.hasOwn(s.definition.options, key))) {
      throw new InputError(`--opt ${key}: none of the chosen collectors (${specs.map((s) => s.spec).join(", ")}) has this option`);
    }
  }
  const seen = new Map<string, string>();
  return specs.map((s) => {
    const options = { ...Object.fromEntries(Object.entries(opt).filter(([k]) => Object.hasOwn(s.definition.options, k))), ...s.options };
    // Values are checked now (the heap size only matters for percentages), not in a worker later.
    const { effective } = parseOptions(s.definition.name, s.definition.options, options, 64 << 20);
    const label = collectorLabel(s.definition.name, options);
    const key = collectorLabel(s.definition.name, effective);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(`--collectors: ${earlier} and ${label} are the same configuration (${key}); variants must differ in some option`);
    }
    seen.set(key, label);
    return { name: s.name, options, label };
  });
}
