/**
 * Collector specs: the one place a collector named on the command line (or
 * in a library call) becomes a registry entry plus the options set for it.
 *
 *   NAME[:key=value[:key=value...]]     e.g. generational:barrier=cards, rc:cycles=off
 *
 * Options are the trailing `key=value` segments, so NAME may itself contain
 * colons or slashes (a collector loaded from a file path, such as
 * ./examples/collectors/my-gc.ts:barrier=cards, or C:\gc\my-gc.ts). Every
 * collector name goes through resolveCollectorSpec.
 */
import { collectorEntry, collectorNames, collectors, type CollectorEntry } from "../collectors/registry.js";
import { parseOptions } from "../collectors/options.js";
import { InputError } from "../errors.js";
import { didYouMean } from "../util/suggest.js";

export interface CollectorSpec {
  /** The text as given. */
  spec: string;
  name: string;
  entry: CollectorEntry;
  /** Options set in the spec, in the order given. */
  options: Record<string, string>;
}

const OPTION_SEGMENT = /^([A-Za-z][A-Za-z0-9-]*)=(.*)$/;

/** A run's label: the collector, then each option set for it, `name:key=value:...`. */
export function collectorLabel(name: string, options: Record<string, string>): string {
  return [name, ...Object.entries(options).map(([k, v]) => `${k}=${v}`)].join(":");
}

export function resolveCollectorSpec(spec: string): CollectorSpec {
  const segments = spec.trim().split(":");
  let split = segments.length;
  while (split > 1 && OPTION_SEGMENT.test(segments[split - 1])) split--;
  const name = segments.slice(0, split).join(":");
  if (!Object.hasOwn(collectors, name)) {
    throw new InputError(`unknown collector "${name}"${didYouMean(name, collectorNames)} (collectors: ${collectorNames.join(", ")})`);
  }
  const entry = collectorEntry(name);
  const options: Record<string, string> = {};
  for (const segment of segments.slice(split)) {
    const [, key, value] = OPTION_SEGMENT.exec(segment)!;
    if (!Object.hasOwn(entry.options, key)) {
      const names = Object.keys(entry.options);
      throw new InputError(
        `${spec}: unknown option "${key}" for collector ${name}${didYouMean(key, names)} (${names.length ? `options: ${names.join(", ")}` : "it has no options"})`,
      );
    }
    if (Object.hasOwn(options, key)) throw new InputError(`${spec}: option "${key}" is set twice`);
    options[key] = value;
  }
  return { spec, name, entry, options };
}

/** The options a collector runs with when `given` are set: every option, defaults filled in (unparsed text). */
export function effectiveOptions(entry: CollectorEntry, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entry.options).map(([k, o]) => [k, Object.hasOwn(given, k) ? given[k] : o.default]));
}

/** A comma-separated list of specs; "all" stands for every registered collector (`all,rc:cycles=off`). */
export function parseCollectorList(text: string): CollectorSpec[] {
  return text.split(",").flatMap((s) => (s.trim() === "all" ? collectorNames.map((n) => resolveCollectorSpec(n)) : [resolveCollectorSpec(s)]));
}

/** One collector configuration to run: a registered name, the options set for it, and its label. */
export interface CollectorRun {
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
    if (!specs.some((s) => Object.hasOwn(s.entry.options, key))) {
      throw new InputError(`--opt ${key}: none of the chosen collectors (${specs.map((s) => s.spec).join(", ")}) has this option`);
    }
  }
  const seen = new Map<string, string>();
  return specs.map((s) => {
    const options = { ...Object.fromEntries(Object.entries(opt).filter(([k]) => Object.hasOwn(s.entry.options, k))), ...s.options };
    // Values are checked now (the heap size only matters for percentages), not in a worker later.
    parseOptions(s.name, s.entry.options, options, 64 << 20);
    const label = collectorLabel(s.name, options);
    const key = collectorLabel(s.name, effectiveOptions(s.entry, options));
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(`--collectors: ${earlier} and ${label} are the same configuration (${key}); variants must differ in some option`);
    }
    seen.set(key, label);
    return { name: s.name, options, label };
  });
}
