/**
 * Loading a script workload: a TypeScript or JavaScript file, anywhere on
 * disk, that default-exports `defineWorkload({...})`. It is compiled and
 * imported like a user's collector (util/user-module.ts) and checked at this one
 * boundary: every problem with the declaration is an input error naming the
 * file and the property, all at once (as a JSON workload's errors are).
 *
 * What it owns: the checks of a definition, its resolution into a
 * ScriptWorkload (slot index per field, site per type, index per global),
 * and the declarations in the JSON document's shape that commands read
 * (name, heap, seed, params, types).
 */
import { resolve } from "node:path";
import { InputError } from "../../errors.js";
import { MAX_PAYLOAD_BYTES, MAX_SLOTS } from "../../heap/object-model.js";
import { importUserModule } from "../../util/user-module.js";
import { escapeTerminal } from "../../util/text.js";
import type { WorkloadDoc } from "../types.js";
import type { WorkloadDefinition } from "./define.js";
import type { ScriptWorkload } from "./mutator.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Imports and checks a workload file; `shown` is how the user named it. */
export async function importScript(file: string, shown: string): Promise<ScriptWorkload> {
  const module = await importUserModule(resolve(file), `workload file ${shown}`);
  let candidate = module.default;
  // A CommonJS or transpiled module may wrap the default export once more.
  if (isRecord(candidate) && !("main" in candidate) && isRecord(candidate.default)) candidate = candidate.default;
  const problems: string[] = [];
  const script = resolveDefinition(candidate, problems);
  if (!script || problems.length > 0) {
    throw new InputError(
      `workload file ${shown} does not default-export a usable workload definition (see defineWorkload): ${problems.length} error${problems.length === 1 ? "" : "s"}`,
      problems.map(escapeTerminal),
    );
  }
  return script;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The definition resolved for runs, with every problem pushed onto `problems` (one line each). */
export function resolveDefinition(d: unknown, problems: string[]): ScriptWorkload | undefined {
  if (!isRecord(d)) {
    problems.push(`the default export is ${d === null ? "null" : Array.isArray(d) ? "an array" : typeof d}, not an object`);
    return undefined;
  }
  if (typeof d.name !== "string" || d.name.length === 0) problems.push("name: a non-empty string");
  if (typeof d.description !== "string") problems.push("description: a string saying what the workload models");
  if (d.heap !== undefined && typeof d.heap !== "string" && !(typeof d.heap === "number" && Number.isInteger(d.heap))) {
    problems.push('heap: a size such as "64MiB", or bytes');
  }
  if (d.seed !== undefined && !Number.isSafeInteger(d.seed)) problems.push("seed: an integer");
  if (typeof d.main !== "function") problems.push("main: a function (m, params) => void");

  if (!isRecord(d.params)) problems.push("params: an object of { default, description } ({} for none)");
  else {
    for (const [name, p] of Object.entries(d.params)) {
      if (!NAME.test(name)) problems.push(`params.${name}: a parameter name is letters, digits and _`);
      if (!isRecord(p) || !Number.isSafeInteger(p.default)) problems.push(`params.${name}.default: an integer`);
      else if (p.description !== undefined && typeof p.description !== "string") problems.push(`params.${name}.description: a string`);
    }
  }

  // Dictionaries without a prototype: a name like "toString" is simply absent.
  const types: ScriptWorkload["types"] = Object.create(null);
  const fields: Record<string, number> = Object.create(null);
  if (!isRecord(d.types)) problems.push("types: an object of { refs, bytes } ({} for none)");
  else {
    for (const [name, t] of Object.entries(d.types)) {
      if (!isRecord(t)) {
        problems.push(`types.${name}: an object { refs?, bytes?, description? }`);
        continue;
      }
      const refs = t.refs ?? [];
      const bytes = t.bytes ?? 0;
      if (!Array.isArray(refs) || refs.some((f) => typeof f !== "string" || !NAME.test(f))) {
        problems.push(`types.${name}.refs: an array of field names (letters, digits and _)`);
        continue;
      }
      if (refs.length > MAX_SLOTS) problems.push(`types.${name}.refs: at most ${MAX_SLOTS} fields`);
      if (!Number.isInteger(bytes) || (bytes as number) < 0 || (bytes as number) > MAX_PAYLOAD_BYTES) {
        problems.push(`types.${name}.bytes: an integer in 0..${MAX_PAYLOAD_BYTES}`);
        continue;
      }
      const own: Record<string, number> = Object.create(null);
      (refs as string[]).forEach((field, index) => {
        const existing = fields[field];
        if (existing !== undefined && existing !== index) {
          problems.push(
            `types.${name}.refs.${index}: field "${field}" is slot ${index} here but slot ${existing} in another type; a field name must have one slot index in every type`,
          );
        }
        if (own[field] !== undefined) problems.push(`types.${name}.refs.${index}: field "${field}" is declared twice`);
        fields[field] = index;
        own[field] = index;
      });
      types[name] = { nslots: refs.length, bytes: bytes as number, site: Object.keys(types).length, fields: own };
    }
  }

  const globals: Record<string, number> = Object.create(null);
  if (d.globals !== undefined) {
    if (!Array.isArray(d.globals)) problems.push("globals: an array of names");
    else
      d.globals.forEach((g, i) => {
        if (typeof g !== "string" || !NAME.test(g)) problems.push(`globals.${i}: a name (letters, digits and _)`);
        else if (globals[g] !== undefined) problems.push(`globals.${i}: duplicate global "${g}"`);
        else globals[g] = i;
      });
  }
  if (problems.length > 0) return undefined;
  return { definition: d as unknown as WorkloadDefinition, typeNames: Object.keys(types), types, fields, globals };
}

/**
 * The declarations in the JSON document's shape, for what commands read of
 * any workload (name, heap, seed, params, types). `main` is empty: a script's
 * code is its `main` function, which no JSON reader sees.
 */
export function scriptDoc(script: ScriptWorkload): WorkloadDoc {
  const d = script.definition;
  return {
    name: d.name,
    description: d.description,
    heap: d.heap,
    seed: d.seed,
    params: Object.fromEntries(Object.entries(d.params).map(([k, p]) => [k, { default: p.default, description: p.description }])),
    types: Object.fromEntries(Object.entries(script.types).map(([k, t]) => [k, { refs: Object.keys(t.fields), bytes: t.bytes }])),
    globals: Object.keys(script.globals).map((g) => `${g}:ref`),
    main: { body: [] },
  };
}
