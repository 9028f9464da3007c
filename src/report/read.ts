/**
 * The input boundary for results and baseline files (JSON written by run,
 * compare or sweep with --format json): every field that check and report
 * read is type-checked before either sees it, so a corrupted or crafted file
 * is one error naming the file, the run and the JSON path (exit 2), never a
 * TypeError or a silently wrong comparison. Unknown fields are allowed (later
 * versions add figures); numbers must be finite; `null` only where the format
 * has it: figures that were not measured (schema/result.schema.json).
 */
import { InputError } from "../errors.js";
import { readTextFile } from "../util/input.js";
import { escapeTerminal } from "../util/text.js";
import type { RunResult } from "./result.js";

/** Largest results file read (a compare with timelines of every run stays far below). */
export const MAX_RESULTS_BYTES = 256 << 20;

type Spec =
  | "null"
  | "string"
  | "number"
  | "number|null"
  | "boolean"
  | "integer"
  | "any"
  | { enum: readonly string[] }
  | { fields: Record<string, Spec>; optional?: Record<string, Spec>; rest?: Spec }
  | { array: Spec }
  | { either: readonly Spec[] };

const numbers = (...names: string[]): Record<string, Spec> => Object.fromEntries(names.map((n) => [n, "number"]));
/** Figures that may be null: not measured (schema/result.schema.json says which and when). */
const figures = (...names: string[]): Record<string, Spec> => Object.fromEntries(names.map((n) => [n, "number|null"]));
const PAUSES = { fields: { ...numbers("count", "total"), ...figures("mean", "p50", "p90", "p95", "p99", "max") } } as const;

const BUCKET: Spec = { fields: numbers("fromBytes", "toBytes", "objects", "bytes") };
/** What the report draws from --demographics (src/report/demographics.ts). */
const DEMOGRAPHICS: Spec = {
  fields: {
    ...numbers("censuses", "deathPrecisionBytes", "objects", "bytes"),
    reclamation: "string",
    lifetimes: { array: BUCKET },
    sizes: { array: BUCKET },
    liveAtEnd: { fields: numbers("objects", "bytes") },
    sites: {
      array: {
        fields: {
          site: "string",
          ...numbers("objects", "bytes", "died", "drag", "dragAfterDeath"),
          ...figures("survivedFirstCollection", "promotedBytes", "promotedObjects", "meanLifetime"),
        },
      },
    },
    drag: { fields: numbers("total", "afterDeath", "reachableAtEnd", "meanBytes") },
    unusedAtEnd: { fields: { ...numbers("idleAtLeast", "objects", "bytes"), sites: { array: { fields: { site: "string", ...numbers("objects", "bytes", "drag") } } } } },
  },
  rest: "any",
};

const RUN: Spec = {
  fields: {
    gcsim: "string",
    outcome: { enum: ["completed", "out-of-memory", "error"] },
    workload: "string",
    collector: "string",
    options: { fields: {}, rest: { either: ["string", "number", "boolean"] } },
    heapBytes: "integer",
    seed: "integer",
    params: { fields: {}, rest: "number" },
    costModel: { fields: {}, rest: "number" },
    allocated: { fields: numbers("objects", "bytes") },
    collections: { fields: numbers("total"), rest: "number" },
    // collections and atLeast1us are optional: results written before them are still read.
    pauses: { fields: PAUSES.fields, optional: { collections: PAUSES, atLeast1us: "number" }, rest: { either: ["number", PAUSES] } },
    mmu: { fields: {}, rest: "number|null" },
    time: { fields: { ...numbers("mutator", "gc", "total"), ...figures("gcOverhead", "throughput") }, optional: figures("overheadVsNone"), rest: "number|null" },
    work: { fields: {}, rest: "number" },
    memory: { fields: { ...figures("peakLive", "fragmentation", "allocationRate"), ...numbers("peakFootprint", "finalLive") }, rest: "number|null" },
    leaked: { fields: figures("objects", "bytes", "cycles") },
  },
  optional: {
    error: { either: ["null", { fields: { kind: "string", message: "string" }, optional: { path: "string" } }] },
    file: "string",
    // Results written before labels existed have none (labelOf falls back to the collector).
    label: "string",
    verified: "boolean",
    mutator: { fields: {}, rest: "number" },
    output: { array: "string" },
    timeline: {
      array: {
        fields: { ...numbers("startNs", "pauseNs", "usedBefore", "usedAfter", "footprint"), kind: "string", liveAfter: "number|null" },
        rest: "any",
      },
    },
    sweep: { either: ["null", { fields: numbers("factor", "referenceHeapBytes", "minHeapBytes") }] },
    demographics: DEMOGRAPHICS,
    wall: "any",
  },
  rest: "any",
};

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? "a string" : typeof value === "object" ? "an object" : String(value).slice(0, 40);
}

/** The first problem of `value` against `spec`, as "path: message", or undefined. Iterative: a results file can be deep. */
function problem(root: unknown, rootSpec: Spec, rootPath: string): string | undefined {
  const stack: [unknown, Spec, string][] = [[root, rootSpec, rootPath]];
  while (stack.length > 0) {
    const [value, spec, path] = stack.pop()!;
    const wrong = (what: string) => `${path}: expected ${what}, got ${describeValue(value)}`;
    if (spec === "any") continue;
    if (spec === "null") {
      if (value !== null) return wrong("null");
    } else if (spec === "string") {
      if (typeof value !== "string") return wrong("a string");
    } else if (spec === "boolean") {
      if (typeof value !== "boolean") return wrong("true or false");
    } else if (spec === "number" || spec === "number|null") {
      if (value === null && spec === "number|null") continue;
      if (typeof value !== "number" || !Number.isFinite(value)) return wrong("a finite number");
    } else if (spec === "integer") {
      if (typeof value !== "number" || !Number.isSafeInteger(value)) return wrong("an integer up to 2^53");
    } else if ("enum" in spec) {
      if (typeof value !== "string" || !spec.enum.includes(value)) return wrong(`one of ${spec.enum.join(", ")}`);
    } else if ("either" in spec) {
      const ok = spec.either.some((s) => problem(value, s, path) === undefined);
      if (!ok) return problem(value, spec.either[spec.either.length - 1], path);
    } else if ("array" in spec) {
      if (!Array.isArray(value)) return wrong("an array");
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], spec.array, `${path}/${i}`]);
    } else {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return wrong("an object");
      const record = value as Record<string, unknown>;
      for (const [key, s] of Object.entries(spec.fields)) {
        if (!Object.hasOwn(record, key)) return `${path}: missing "${key}"`;
        stack.push([record[key], s, `${path}/${key}`]);
      }
      for (const [key, s] of Object.entries(spec.optional ?? {})) {
        if (Object.hasOwn(record, key) && record[key] !== undefined) stack.push([record[key], s, `${path}/${key}`]);
      }
      if (spec.rest) {
        for (const [key, v] of Object.entries(record)) {
          if (!Object.hasOwn(spec.fields, key) && !Object.hasOwn(spec.optional ?? {}, key)) stack.push([v, spec.rest, `${path}/${key}`]);
        }
      }
    }
  }
  return undefined;
}

/** A short name for a run in errors: its workload and collector when they are readable. */
function runName(run: unknown, index: number): string {
  const r = run as { workload?: unknown; collector?: unknown } | null;
  const name = typeof r === "object" && r !== null && typeof r.workload === "string" && typeof r.collector === "string" ? ` (${r.workload} under ${r.collector})` : "";
  return `run ${index}${name}`;
}

/** Validated runs of parsed results JSON (one object, or an array of them). */
export function validateResults(file: string, json: unknown): RunResult[] {
  const runs = Array.isArray(json) ? json : [json];
  if (runs.length === 0) throw new InputError(`${file} holds no runs`);
  runs.forEach((run, i) => {
    const why = problem(run, RUN, Array.isArray(json) ? `/${i}` : "");
    if (why !== undefined) {
      throw new InputError(
        escapeTerminal(`${file} is not a valid gcsim results file (JSON written by run, compare or sweep --format json): ${runName(run, i)}: ${why || "/"}`),
      );
    }
  });
  return runs as RunResult[];
}

export function readResultFile(file: string): RunResult[] {
  const text = readTextFile(file, "results", MAX_RESULTS_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON: ${escapeTerminal((e as Error).message)}`);
  }
  return validateResults(file, json);
}

export function readResultFiles(files: string[]): RunResult[] {
  return files.flatMap(readResultFile);
}
