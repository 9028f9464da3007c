/**
 * The deterministic cost model: simulated nanoseconds per primitive
 * operation. Simulated time is a weighted count of what the mutator and the
 * collector did, so the same workload, seed, collector, heap size and cost
 * model give identical times on any machine. Defaults and their rationale
 * are in README.md ("Simulated time").
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

export const DEFAULT_COSTS = {
  // Mutator
  statement: 1,
  allocation: 5,
  allocationByte: 0.1,
  allocationSlowPath: 50,
  referenceLoad: 1,
  referenceStore: 1,
  payloadAccess: 1,
  call: 3,
  // Collector
  rootScanned: 1,
  objectMarked: 5,
  slotScanned: 1,
  objectCopied: 10,
  wordCopied: 0.5,
  cellSwept: 2,
  objectFreed: 10,
  rcIncrement: 1,
  rcDecrement: 2,
  barrierExecuted: 1,
  remsetEntryProcessed: 5,
};

export type CostModel = typeof DEFAULT_COSTS;
export type CostName = keyof CostModel;

/** Reads a JSON object of overrides; unknown keys and non-numbers are input errors. */
export function loadCostModel(file: string | undefined): CostModel {
  if (!file) return { ...DEFAULT_COSTS };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`cannot read cost model ${file}: ${(e as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(`cost model ${file} must be a JSON object of costs in nanoseconds`);
  }
  const costs = { ...DEFAULT_COSTS };
  for (const [key, value] of Object.entries(json)) {
    if (key === "$schema" || key === "description") continue;
    if (!Object.hasOwn(DEFAULT_COSTS, key)) {
      throw new InputError(`cost model ${file}: unknown cost "${key}" (costs: ${Object.keys(DEFAULT_COSTS).join(", ")})`);
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InputError(`cost model ${file}: "${key}" must be a non-negative number of nanoseconds`);
    }
    costs[key as CostName] = value;
  }
  return costs;
}
