/**
 * The conformance suite `gcsim test-collector` runs against any collector,
 * built-in or a user's file - the same checks the project holds its own
 * collectors to:
 *
 *   1. workloads     every shipped workload at reduced size, in a heap that
 *                    forces collections, under the heap verifier; the run
 *                    must complete and agree with the no-GC baseline on
 *                    what was allocated and on the final reachable graph
 *                    (its canonical hash: a moving collector that loses,
 *                    duplicates or mixes up objects changes it);
 *   2. leaks         a collector that reclaims cycles leaks nothing at the
 *                    end of a run; one that declares it does not (plain
 *                    reference counting) leaks exactly the cyclic garbage:
 *                    the baseline's garbage cycles, and every object on one
 *                    or hanging off one;
 *   3. differential  random workloads (fast-check, seeded) in small heaps,
 *                    verified, against the baseline: complete with the same
 *                    allocation, graph and leaks, or run out of memory -
 *                    never corrupt the heap. A failure is shrunk to a small
 *                    workload and written as a file that reproduces it with
 *                    `gcsim run FILE --collector SPEC --verify`.
 */
import { join, resolve } from "node:path";
import fc from "fast-check";
import type { CollectorDefinition } from "../collectors/collector.js";
import type { RunResult } from "../report/result.js";
import { runWorkloadWithTimeline as run, type RunOutput } from "../sim/run.js";
import { writeAtomically } from "../util/output.js";
import { loadWorkload } from "../workload/load.js";
import type { WorkloadDoc } from "../workload/types.js";
import { randomWorkload } from "./random-workloads.js";
import { WORKLOADS_DIR, reducedWorkloads } from "./reduced-workloads.js";

export interface ConformanceOptions {
  /** How the collector is named on the command line, for the reproduction command. */
  spec: string;
  collectorOptions?: Record<string, string>;
  /** Random workloads in the differential check. */
  runs: number;
  seed: number;
  /** Where a counterexample workload is written. */
  counterexampleDir: string;
  /** Called as each check finishes. */
  onCheck?: (check: CheckResult) => void;
}

export interface CheckResult {
  check: "workloads" | "leaks" | "differential";
  /** What was checked: a workload file, or the random workloads. */
  subject: string;
  passed: boolean;
  /** Why it failed, or a note on a pass. */
  detail?: string;
  /** A workload file reproducing the failure. */
  counterexample?: string;
}

/** The baseline heap: room for everything the reduced and random workloads allocate. */
const BASELINE_HEAP = 256 << 20;

export function testCollector(definition: CollectorDefinition, options: ConformanceOptions): CheckResult[] {
  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    options.onCheck?.(r);
  };
  for (const w of reducedWorkloads()) checkWorkload(definition, options, w.file, w.params, w.heapBytes, report);
  report(checkDifferential(definition, options));
  return results;
}

function checkWorkload(
  definition: CollectorDefinition,
  options: ConformanceOptions,
  file: string,
  params: Record<string, number>,
  heapBytes: number,
  report: (r: CheckResult) => void,
): void {
  const workload = loadWorkload(join(WORKLOADS_DIR, file), params);
  const baseline = run(workload, { collector: "none", heapBytes: BASELINE_HEAP, params });
  const common = { collector: definition, params, collectorOptions: options.collectorOptions, verify: true };
  let out = run(workload, { ...common, heapBytes });
  let note: string | undefined;
  if (out.result.outcome === "out-of-memory") {
    // A collector may need more room than the reduced heap; correctness is still checked in a larger one.
    out = run(workload, { ...common, heapBytes: BASELINE_HEAP });
    note = "ran out of memory in the reduced heap; checked in 256 MiB";
  }
  const repro = `gcsim run ${join("workloads", file)} --collector ${options.spec} --verify${optFlags(options.collectorOptions)} ${paramFlags(params)}${note ? "" : ` --heap ${heapBytes}`}`;
  const mismatch =
    disagreement(out.result, baseline.result) ??
    (out.result.collections.total === 0 && out.constraints.reclaims !== "nothing" && note === undefined
      ? "never collected, so the verifier checked nothing: the reduced heap is meant to force collections"
      : undefined);
  report({ check: "workloads", subject: file, passed: mismatch === undefined, detail: mismatch ? `${mismatch}\n  reproduce: ${repro}` : note });
  if (out.result.outcome === "completed") {
    const leak = leakProblem(out, baseline);
    report({ check: "leaks", subject: file, passed: leak === undefined, detail: leak && `${leak}\n  reproduce: ${repro}` });
  }
}

function optFlags(opts: Record<string, string> = {}): string {
  return Object.entries(opts)
    .map(([k, v]) => ` --opt ${k}=${v}`)
    .join("");
}

function paramFlags(params: Record<string, number>): string {
  return Object.entries(params)
    .map(([k, v]) => `--param ${k}=${v}`)
    .join(" ");
}

/** Why a completed run disagrees with the no-GC baseline, or undefined when it agrees. */
function disagreement(r: RunResult, baseline: RunResult): string | undefined {
  if (r.outcome !== "completed") return `${r.outcome}: ${r.error?.message ?? "?"}`;
  if (r.allocated.objects !== baseline.allocated.objects || r.allocated.bytes !== baseline.allocated.bytes) {
    return `allocated ${r.allocated.objects} objects / ${r.allocated.bytes} bytes, the no-GC baseline ${baseline.allocated.objects} / ${baseline.allocated.bytes}`;
  }
  if (r.memory.finalGraphHash !== baseline.memory.finalGraphHash || r.memory.finalLiveObjects !== baseline.memory.finalLiveObjects) {
    return `the final reachable graph differs from the no-GC baseline's (${r.memory.finalLiveObjects} objects, hash ${r.memory.finalGraphHash}; baseline ${baseline.memory.finalLiveObjects}, hash ${baseline.memory.finalGraphHash})`;
  }
  return undefined;
}

/** What is wrong with a completed run's leaks, given what the collector declares. */
function leakProblem(out: RunOutput, baseline: RunOutput): string | undefined {
  const { leaked } = out.result;
  const garbage = baseline.result.leaked;
  const expected = {
    all: { objects: 0, cycles: 0, what: "nothing" },
    acyclic: { objects: baseline.leakedFromCycles, cycles: garbage.cycles, what: "exactly the cyclic garbage" },
    nothing: { objects: garbage.objects, cycles: garbage.cycles, what: "all its garbage" },
  }[out.constraints.reclaims];
  return leaked.objects === expected.objects && leaked.cycles === expected.cycles
    ? undefined
    : `leaked ${leaked.objects} objects in ${leaked.cycles} cycles; a collector that declares it reclaims ${out.constraints.reclaims} garbage leaks ${expected.what}: ${expected.objects} objects in ${expected.cycles} cycles`;
}

function checkDifferential(definition: CollectorDefinition, options: ConformanceOptions): CheckResult {
  let failure = "";
  const property = fc.property(randomWorkload, fc.integer({ min: 256, max: 4096 }), fc.integer({ min: 1, max: 1000 }), (doc, granules, seed) => {
    const workload = { doc, file: `<${doc.name}>` };
    const baseline = run(workload, { collector: "none", heapBytes: 64 << 20, seed });
    const out = run(workload, { collector: definition, collectorOptions: options.collectorOptions, heapBytes: granules * 8, seed, verify: true });
    const r = out.result;
    failure = "";
    if (r.outcome === "out-of-memory") return true;
    failure = disagreement(r, baseline.result) ?? leakProblem(out, baseline) ?? "";
    return failure === "";
  });
  const details = fc.check(property, { numRuns: options.runs, seed: options.seed });
  const subject = `${options.runs} random workloads (seed ${options.seed})`;
  if (!details.failed || !details.counterexample) {
    return { check: "differential", subject, passed: !details.failed, detail: details.failed ? String(details.errorInstance) : undefined };
  }
  const [doc, granules, seed] = details.counterexample;
  // Re-run the shrunk case so the message describes it, not the last case fast-check tried.
  property.run(details.counterexample);
  const file = resolve(options.counterexampleDir, `${definition.name}-counterexample.json`);
  const counterexample: WorkloadDoc = {
    ...doc,
    name: `${definition.name}-counterexample`,
    description: `A random workload on which ${definition.name} failed gcsim test-collector (fast-check seed ${options.seed}): ${failure.split("\n")[0]}`,
    heap: String(granules * 8),
    seed,
  };
  writeAtomically(file, `${JSON.stringify(counterexample, null, 2)}\n`);
  return {
    check: "differential",
    subject,
    passed: false,
    detail: `${failure}\n  shrunk after ${details.numShrinks} steps; reproduce: gcsim run ${file} --collector ${options.spec} --verify${optFlags(options.collectorOptions)}`,
    counterexample: file,
  };
}
