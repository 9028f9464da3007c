/**
 * Reading a workload: name or file -> JSON (comments allowed) -> schema
 * validation (schema/workload.schema.json, with ajv) -> semantic compilation.
 * Every problem is reported with its JSON path; all of them at once, not only the first.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { ParseError } from "jsonc-parser";
import { lazyRequire } from "../util/lazy.js";

// Only needed to locate a JSON syntax error, so loaded only then.
const jsonc = lazyRequire<typeof import("jsonc-parser")>("jsonc-parser");
import { InputError } from "../errors.js";
import { closest } from "../util/suggest.js";
import { readGraphFile, type ObjectGraph } from "../graph/graph-file.js";
import { compileWorkload } from "./compile.js";
import type { WorkloadDoc } from "./types.js";

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WORKLOADS_DIR = join(PACKAGE_ROOT, "workloads");
export const SCHEMA_PATH = join(PACKAGE_ROOT, "schema", "workload.schema.json");

/** The shipped workloads' names (gcbench, binary-trees, ...), sorted. */
export function shippedWorkloads(): string[] {
  return readdirSync(WORKLOADS_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/**
 * A workload argument as a file: an existing path as given, `-` (stdin), or
 * the name of a shipped workload (`gcbench`, `gcbench.json`), so gcsim works
 * from any directory. Anything else is an input error listing the shipped workloads.
 */
export function resolveWorkloadFile(name: string): string {
  if (name === "-" || existsSync(name)) return name;
  const shipped = shippedWorkloads();
  const bare = name.replace(/\.json$/, "");
  if (shipped.includes(bare)) return join(WORKLOADS_DIR, `${bare}.json`);
  const guess = closest(bare.replace(/^.*[\\/]/, ""), shipped);
  throw new InputError(
    `cannot read workload ${name}: no such file, and no shipped workload has that name${guess ? ` (did you mean ${guess}?)` : ""} (shipped: ${shipped.join(", ")})`,
  );
}

export interface LoadedWorkload {
  doc: WorkloadDoc;
  file: string;
  /** The captured graph named by the workload's "graph" section, loaded and validated. */
  graph?: ObjectGraph;
}

/**
 * The build compiles the schema into dist/workload/schema-validator.js (ajv
 * standalone code), which saves compiling it at every start; running from
 * source (the tests) compiles it here instead.
 */
async function loadValidator(): Promise<ValidateFunction> {
  const generated = "./schema-validator.js";
  try {
    return ((await import(generated)) as { validate: ValidateFunction }).validate;
  } catch {
    const { Ajv } = await import("ajv");
    return new Ajv({ allErrors: true, verbose: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_PATH, "utf8")));
  }
}

const validator = await loadValidator();

function schemaValidator(): ValidateFunction {
  return validator;
}

/** Reads and parses a workload file (`-` is stdin; JSON with comments); throws InputError naming the file and position. */
export function readWorkloadFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read workload ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // Not plain JSON: JSON with // and /* */ comments is accepted; otherwise the tolerant parser finds the first error's offset.
    const errors: ParseError[] = [];
    const value: unknown = jsonc().parse(text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
    if (errors.length === 0) return value;
    const first = errors[0];
    if (!first) throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
    const before = text.slice(0, first.offset);
    const line = before.split("\n").length;
    const column = first.offset - before.lastIndexOf("\n");
    throw new InputError(`${file} is not valid JSON (line ${line}, column ${column}): ${jsonc().printParseErrorCode(first.error)}`);
  }
}

/** Schema errors as "path: message" lines, one per problem. */
export function schemaErrors(json: unknown): string[] {
  const validate = schemaValidator();
  if (validate(json)) return [];
  const errors = validate.errors ?? [];
  // A failed oneOf also reports each branch's failure; say what was expected once instead.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === "if") continue;
    if (oneOfPaths.has(e.instancePath) && e.keyword !== "oneOf") continue;
    lines.push(`${e.instancePath || "/"}: ${describe(e)}`);
  }
  return [...new Set(lines)];
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case "additionalProperties":
      return `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case "required":
      return `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
    case "oneOf":
      return `expected ${(e.parentSchema as { description?: string })?.description ?? "one of the allowed forms"}`;
    case "pattern":
      return `"${String(e.data)}" ${e.message}`;
    case "propertyNames":
      return `bad name: ${e.message}`;
    default:
      return e.message ?? e.keyword;
  }
}

/**
 * Loads, validates and trial-compiles a workload, and reads its graph file if
 * it has one; `readGraph: false` skips the graph, for commands that only
 * validate here and run the workload elsewhere (compare and sweep's workers).
 */
export function loadWorkload(name: string, params?: Record<string, number>, { readGraph = true } = {}): LoadedWorkload {
  const file = resolveWorkloadFile(name);
  const json = readWorkloadFile(file);
  const errors = schemaErrors(json);
  if (errors.length > 0) {
    throw new InputError(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}`, errors);
  }
  const doc = json as WorkloadDoc;
  // Semantic check now, so every command rejects a bad workload before it runs anything.
  compileWorkload(doc, { storeBarrier: false, params, maxOps: 1, maxDepth: 1 });
  const graph = doc.graph && readGraph ? readGraphFile(resolve(dirname(file), doc.graph.file)) : undefined;
  if (graph && doc.graph!.nodes !== undefined && doc.graph!.nodes !== graph.n) {
    throw new InputError(`${file}: the graph section says ${doc.graph!.nodes} nodes but ${doc.graph!.file} holds ${graph.n}`);
  }
  // A shipped workload named by its name is recorded by its place in the package, the same on every machine.
  return { doc, file: file === name ? name : `workloads/${basename(file)}`, graph };
}
