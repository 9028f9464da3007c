/**
 * The deterministic cost model: simulated nanoseconds per primitive
 * operation. Simulated time is a weighted count of what the mutator and the
 * collector did, so the same workload, seed, collector, heap size and cost
 * model give identical times on any machine. Defaults and their rationale
 * are in README.md ("Simulated time").
 */
import { InputError } from "../errors.js";
import { readTextFile } from "../util/input.js";
import { escapeTerminal } from "../util/text.js";

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
  objectMarked: 20,
  slotScanned: 1,
  objectCopied: 40,
  wordCopied: 0.5,
  cellSwept: 2,
  objectFreed: 10,
  rcIncrement: 1,
  rcDecrement: 2,
  barrierExecuted: 1,
  remsetEntryProcessed: 5,
  // Fixed and per-page costs (README, Simulated time: what each is calibrated against)
  safepoint: 20_000,
  runtimeRoots: 50_000,
  pagePrepared: 65,
  pageFirstTouch: 1_000,
  // Simulation parameter, not a cost: the page size of first touches and page bookkeeping (bytes).
  pageBytes: 4096,
  // Incremental and concurrent marking (added later, so listed last): an object a marking barrier greys,
  // priced like a remembered-set entry (an enqueue on the collector's work list).
  barrierShade: 5,
};

export type CostModel = typeof DEFAULT_COSTS;

/**
 * The largest cost of one operation, in simulated ns (a millisecond): with the
 * operation limit, every simulated time stays finite, so every statistic
 * over it terminates. Also the largest cost-model file, in bytes.
 */
export const MAX_COST_NS = 1e6;
const MAX_COST_MODEL_BYTES = 1 << 20;
export type CostName = keyof CostModel;

/** Reads a JSON object of overrides; unknown keys and non-numbers are input errors. */
export function loadCostModel(file: string | undefined): CostModel {
  if (!file) return { ...DEFAULT_COSTS };
  const text = readTextFile(file, "cost model", MAX_COST_MODEL_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`cost model ${file} is not valid JSON: ${escapeTerminal((e as Error).message)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InputError(`cost model ${file} must be a JSON object of costs in nanoseconds`);
  }
  const costs = { ...DEFAULT_COSTS };
  for (const [key, value] of Object.entries(json)) {
    if (key === "$schema" || key === "description") continue;
    if (!Object.hasOwn(DEFAULT_COSTS, key)) {
      throw new InputError(`cost model ${file}: unknown cost "${escapeTerminal(key)}" (costs: ${Object.keys(DEFAULT_COSTS).join(", ")})`);
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_COST_NS) {
      throw new InputError(`cost model ${file}: /${key} must be a number of nanoseconds in 0..${MAX_COST_NS}, got ${typeof value === "number" ? value : value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`}`);
    }
    if (key === "pageBytes" && !(Number.isInteger(value) && value >= 512 && value <= 1 << 19 && (value & (value - 1)) === 0)) {
      throw new InputError(`cost model ${file}: /pageBytes must be a power of two from 512 to 524288 bytes, got ${value}`);
    }
    costs[key as CostName] = value;
  }
  return costs;
}
