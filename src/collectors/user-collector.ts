/**
 * Collectors from outside the registry: a user's TypeScript or JavaScript
 * file, anywhere on disk, that default-exports a collector definition (the
 * same shape as a registry entry; see defineCollector). It is compiled by
 * esbuild and cached (util/user-module.ts), so TypeScript runs without a build step, and checked at this one
 * boundary: a file that does not export a usable definition is an input
 * error naming the file and what is missing.
 *
 * A collector is named on the command line either by a built-in's name or by
 * a path (anything with a slash or a .ts/.mts/.js/.mjs extension).
 */
import { resolve as resolvePath } from "node:path";
import { InputError } from "../errors.js";
import { importUserModule } from "../util/user-module.js";
import type { CollectorDefinition } from "./collector.js";
import { collectorEntry, isCollectorName } from "./registry.js";

const PATH_LIKE = /[\\/]|\.[cm]?[jt]s$/;

export function isCollectorPath(spec: string): boolean {
  return PATH_LIKE.test(spec);
}

/** Loaded definitions by absolute path: each file is imported once per thread. */
const loaded = new Map<string, Promise<CollectorDefinition>>();

/** A built-in's definition by name, or a user's collector loaded from a path. */
export function loadCollector(spec: string): Promise<CollectorDefinition> {
  if (!isCollectorPath(spec)) return Promise.resolve(collectorEntry(spec));
  const file = resolvePath(spec);
  let definition = loaded.get(file);
  if (!definition) {
    definition = importDefinition(spec, file);
    loaded.set(file, definition);
  }
  return definition;
}

async function importDefinition(spec: string, file: string): Promise<CollectorDefinition> {
  const module = await importUserModule(file, `collector file ${spec}`);
  // A CommonJS or transpiled module may wrap the default export once more.
  let candidate = module.default;
  if (isRecord(candidate) && !("create" in candidate) && isRecord(candidate.default)) candidate = candidate.default;
  const problems = definitionProblems(candidate);
  if (problems.length > 0) {
    throw new InputError(`collector file ${spec} does not default-export a collector definition (see defineCollector)`, problems);
  }
  return candidate as CollectorDefinition;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

const CONSTRAINTS = ["moving", "storeBarrier", "rootBarrier"] as const;
const RECLAIMS = ["all", "acyclic", "nothing"];

/** What is wrong with a would-be collector definition, one line each; empty when it is usable. */
export function definitionProblems(d: unknown): string[] {
  if (!isRecord(d)) return [`the default export is ${d === null ? "null" : typeof d}, not an object`];
  const problems: string[] = [];
  if (typeof d.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(d.name)) {
    problems.push("name: a lowercase name of letters, digits and dashes, e.g. \"my-mark-sweep\"");
  } else if (isCollectorName(d.name)) {
    problems.push(`name: "${d.name}" is a built-in collector's name; choose another`);
  }
  if (typeof d.description !== "string") problems.push("description: a string saying what the collector does");
  if (!isRecord(d.constraints)) {
    problems.push(`constraints: an object with ${CONSTRAINTS.join(", ")} (booleans) and reclaims (${RECLAIMS.join(", ")})`);
  } else {
    for (const key of CONSTRAINTS) if (typeof d.constraints[key] !== "boolean") problems.push(`constraints.${key}: a boolean`);
    if (!RECLAIMS.includes(d.constraints.reclaims as string)) problems.push(`constraints.reclaims: one of ${RECLAIMS.join(", ")}`);
  }
  if (!isRecord(d.options)) {
    problems.push("options: an object of option specs ({} for none)");
  } else {
    for (const [key, spec] of Object.entries(d.options)) {
      if (!isRecord(spec) || typeof spec.description !== "string" || typeof spec.default !== "string" || typeof spec.parse !== "function") {
        problems.push(`options.${key}: { description, default, parse } (use choice(), integer() or heapShare())`);
      }
    }
  }
  if (typeof d.create !== "function") problems.push("create: a function (context, options) => collector");
  return problems;
}
