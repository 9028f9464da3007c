/**
 * Reading a workload: name or file -> JSON (comments allowed) -> schema
 * validation (schema/workload.schema.json, with ajv) -> compilation
 * (semantic checks and code generation, once: runs link the compiled program
 * to their collector). Every problem is reported with its JSON path; all of
 * them at once, not only the first.
 *
 * A script workload (.ts/.mts/.js/.mjs, see script/) is the second kind of
 * loaded workload: `importWorkload` loads either kind, and a run binds
 * either through bind.ts; nothing else needs to know which it has.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { ParseError } from "jsonc-parser";
import { lazyRequire } from "../util/lazy.js";

// Only needed to locate a JSON syntax error, so loaded only then.
const jsonc = lazyRequire<typeof import("jsonc-parser")>("jsonc-parser");
import { InputError } from "../errors.js";
import { closest } from "../util/suggest.js";
import { readGraphFile, type ObjectGraph } from "../graph/graph-file.js";
import { readTextFile } from "../util/input.js";
import { escapeTerminal } from "../util/text.js";
import { MODULE_PATH } from "../util/user-module.js";
import { compileUnlinked, type UnlinkedProgram } from "./compile.js";
import { effectiveParams } from "./compiler/declarations.js";
import type { ScriptWorkload } from "./script/mutator.js";
import { confinedPathError, notConfined, WORKLOAD_LIMITS, workloadLimitErrors } from "./limits.js";
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
  /**
   * The workload compiled with the parameters it was loaded with, for any
   * collector: a run links it (see programFor). Absent in a workload built
   * by hand, which the run compiles.
   */
  program?: UnlinkedProgram;
  /** A script workload's checked definition; `doc` then holds its declarations only (see scriptDoc). */
  script?: ScriptWorkload;
}

/** Whether a workload argument names a script workload (TypeScript or JavaScript) rather than JSON. */
export function isScriptWorkload(name: string): boolean {
  return MODULE_PATH.test(name);
}

/**
 * Loads a workload of either kind: a script as a user's module (util/user-module.ts, asynchronously),
 * anything else as loadWorkload does. Parameter overrides are checked now,
 * so every command rejects a bad one before it runs anything.
 */
export async function importWorkload(name: string, params?: Record<string, number>, options: { readGraph?: boolean } = {}): Promise<LoadedWorkload> {
  if (!isScriptWorkload(name)) return loadWorkload(name, params, options);
  const { importScript, scriptDoc } = await import("./script/load.js");
  const script = await importScript(resolveWorkloadFile(name), name);
  const errors: string[] = [];
  effectiveParams(script.definition.params, params, (path, message) => errors.push(`${path}: ${message}`));
  if (errors.length > 0) throw new InputError(`workload "${escapeTerminal(script.definition.name)}" has ${errors.length} error${errors.length === 1 ? "" : "s"}`, errors);
  return { doc: scriptDoc(script), file: name, script };
}

/**
 * The compiled program of a loaded workload under these parameter overrides:
 * the one compiled at load time when they are the ones it was loaded with,
 * else a new compilation.
 */
export function programFor(workload: LoadedWorkload, params: Readonly<Record<string, number>> | undefined): UnlinkedProgram {
  const loaded = workload.program;
  return loaded && sameOverrides(loaded.overrides, params) ? loaded : compileUnlinked(workload.doc, params);
}

function sameOverrides(a: Readonly<Record<string, number>> = {}, b: Readonly<Record<string, number>> = {}): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && Object.is(a[k], b[k]));
}

/**
 * The build compiles the schema into dist/workload/schema-validator.js (ajv
 * standalone code), which saves compiling it at every start; running from
 * source (the tests) compiles it here instead.
 */
async function loadValidator(): Promise<ValidateFunction> {
  // A URL from import.meta.url, not a relative specifier: the bundled CLI (scripts/bundle-cli.mjs) keeps each module's own URL.
  const generated = new URL("./schema-validator.js", import.meta.url).href;
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
  const text = readTextFile(file, "workload", WORKLOAD_LIMITS.fileBytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`${file} is nested too deeply to read (limit: ${WORKLOAD_LIMITS.depth} levels)`);
    // Not plain JSON: JSON with // and /* */ comments is accepted; otherwise the tolerant parser finds the first error's offset.
    const errors: ParseError[] = [];
    let value: unknown;
    try {
      value = jsonc().parse(text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
    } catch {
      throw new InputError(`${file} is nested too deeply to read (limit: ${WORKLOAD_LIMITS.depth} levels)`);
    }
    if (errors.length === 0) return value;
    const first = errors[0];
    if (!first) throw new InputError(`${file} is not valid JSON: ${escapeTerminal((e as Error).message)}`);
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
    lines.push(escapeTerminal(`${e.instancePath || "/"}: ${describe(e)}`));
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
 * Loads, validates and compiles a workload, and reads its graph file if
 * it has one; `readGraph: false` skips the graph, for commands that only
 * validate here and run the workload elsewhere (compare and sweep's workers).
 */
export function loadWorkload(name: string, params?: Record<string, number>, { readGraph = true } = {}): LoadedWorkload {
  if (isScriptWorkload(name)) throw new InputError(`${name} is a TypeScript workload; this needs a JSON workload (only importWorkload loads both)`);
  const file = resolveWorkloadFile(name);
  const json = readWorkloadFile(file);
  const fail = (errors: readonly string[]): never => {
    throw new InputError(`${file}: ${errors.length} error${errors.length === 1 ? "" : "s"}`, errors);
  };
  // The limits first: the schema validator and the compiler recurse on what they are given.
  const limitErrors = workloadLimitErrors(json);
  if (limitErrors.length > 0) fail(limitErrors);
  const errors = schemaErrors(json);
  if (errors.length > 0) fail(errors);
  const doc = json as WorkloadDoc;
  const pathError = doc.graph && confinedPathError(doc.graph.file);
  if (pathError) fail([`/graph/file: ${pathError}`]);
  // Compiled now, so every command rejects a bad workload before it runs anything.
  let program: UnlinkedProgram;
  try {
    program = compileUnlinked(doc, params);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(escapeTerminal(e.message), e.details.map((d) => escapeTerminal(d)));
    throw e;
  }
  const graph = doc.graph && readGraph ? readGraphFile(graphFilePath(file, doc.graph.file)) : undefined;
  if (graph && doc.graph!.nodes !== undefined && doc.graph!.nodes !== graph.n) {
    throw new InputError(`${file}: the graph section says ${doc.graph!.nodes} nodes but ${doc.graph!.file} holds ${graph.n}`);
  }
  // A shipped workload named by its name is recorded by its place in the package, the same on every machine.
  return { doc, file: file === name ? name : `workloads/${basename(file)}`, graph, program };
}

/**
 * Where a workload's graph file is, under the confinement rule: in the
 * workload's folder or below it, also once symbolic links are followed, and
 * a regular file (never a device or a FIFO, which are not opened). A path
 * outside gets the same message whether or not something is there.
 */
function graphFilePath(workloadFile: string, name: string): string {
  const folder = dirname(resolve(workloadFile));
  const full = resolve(folder, name);
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return full; // missing: reading it says so, and it is inside the folder
  }
  let realFolder: string;
  try {
    realFolder = realpathSync(folder);
  } catch {
    realFolder = folder;
  }
  if (!real.startsWith(realFolder.endsWith(sep) ? realFolder : realFolder + sep)) {
    throw new InputError(`${workloadFile}: 1 error`, [`/graph/file: ${notConfined(name)}`]);
  }
  if (!statSync(real).isFile()) throw new InputError(`${workloadFile}: 1 error`, [`/graph/file: "${escapeTerminal(name)}" is not a regular file`]);
  return real;
}
