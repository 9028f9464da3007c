/**
 * The CI gate: compare deterministic figures of results against a baseline,
 * run by run. Runs are matched by workload, parameters, collector, options,
 * heap size and seed. A metric regresses when it is worse than the baseline by
 * more than the tolerance (relative); for most metrics lower is better, for
 * MMU and throughput higher is. A figure not measured (null) on both sides is
 * not compared; measured on one side only, it is reported as a change.
 */
import { InputError } from "../errors.js";
import { escapeTerminal } from "../util/text.js";
import type { RunResult } from "./result.js";

export const DEFAULT_CHECK_METRICS = ["time.gc", "time.total", "pauses.p99", "pauses.max", "memory.peakFootprint", "leaked.objects"];

export interface Regression {
  run: string;
  metric: string;
  /** null: not measured. */
  baseline: number | null;
  result: number | null;
  /** Relative change, positive when worse; Infinity when the figure appeared, disappeared or the outcome changed. */
  change: number;
}

export function runKey(r: RunResult): string {
  const options = Object.entries(r.options).map(([k, v]) => `${k}=${v}`).join(",");
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(",");
  // The effective options identify the variant (generational:barrier=cards has barrier=cards here).
  return `${r.workload}[${params}] ${r.collector}[${options}] heap=${r.heapBytes} seed=${r.seed}`;
}

const higherIsBetter = (metric: string) => metric.startsWith("mmu.") || metric === "time.throughput";

function read(r: RunResult, metric: string, which: string): number | null {
  let value: unknown = r;
  for (const part of metric.split(".")) {
    value = typeof value === "object" && value !== null && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  // Not measured (see the result schema): compared as such, never as a number.
  if (value === null) return null;
  if (value === undefined) throw new InputError(`unknown metric "${escapeTerminal(metric)}" (e.g. ${DEFAULT_CHECK_METRICS.join(", ")})`);
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InputError(`${which} run ${escapeTerminal(runKey(r))}: ${escapeTerminal(metric)} is not a number`);
  }
  return value;
}

/** Runs by key; a run that appears twice is an input error (one copy could hide a regression in the other). */
function byKey(runs: RunResult[], which: string): Map<string, RunResult> {
  const map = new Map<string, RunResult>();
  for (const r of runs) {
    const key = runKey(r);
    if (map.has(key)) throw new InputError(`the ${which} hold the same run twice: ${escapeTerminal(key)}`);
    map.set(key, r);
  }
  return map;
}

export function checkAgainstBaseline(
  results: RunResult[],
  baseline: RunResult[],
  metrics: string[],
  tolerance: number,
): { regressions: Regression[]; compared: number } {
  const base = byKey(baseline, "baseline");
  const mine = byKey(results, "results");
  const missing = [
    ...[...base.keys()].filter((k) => !mine.has(k)).map((k) => `in the baseline but not the results: ${k}`),
    ...[...mine.keys()].filter((k) => !base.has(k)).map((k) => `in the results but not the baseline: ${k}`),
  ];
  if (missing.length > 0) throw new InputError(`the results and the baseline do not contain the same runs`, missing);
  const regressions: Regression[] = [];
  for (const [key, r] of mine) {
    const b = base.get(key)!;
    if (r.outcome !== b.outcome) {
      regressions.push({ run: escapeTerminal(key), metric: `outcome ${b.outcome} -> ${r.outcome}`, baseline: 0, result: 0, change: Infinity });
      continue;
    }
    if (r.outcome !== "completed") continue;
    for (const metric of metrics) {
      const was = read(b, metric, "baseline");
      const now = read(r, metric, "results");
      if (was === null || now === null) {
        if (was !== now) regressions.push({ run: escapeTerminal(key), metric, baseline: was, result: now, change: Infinity });
        continue;
      }
      const worse = higherIsBetter(metric) ? was - now : now - was;
      const change = was === 0 ? (worse > 0 ? Infinity : 0) : worse / Math.abs(was);
      if (change > tolerance) regressions.push({ run: escapeTerminal(key), metric, baseline: was, result: now, change });
    }
  }
  return { regressions, compared: mine.size };
}
