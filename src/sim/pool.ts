/**
 * Runs independent (workload, collector) runs on worker threads, one per core
 * by default. Each run is deterministic and shares nothing with the others, so
 * the results are identical to a sequential run; they come back in the order
 * the runs were given.
 *
 * One run that fails never costs the others: a run that throws (a graph file
 * that cannot be read, a bug) comes back as a result with outcome "error",
 * and a minimum-heap search that fails comes back as its error, beside every
 * good result.
 */
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { Worker } from "node:worker_threads";
import { GcsimError, InputError, WorkloadRuntimeError } from "../errors.js";
import { WorkCounters } from "../metrics/collection-log.js";
import { DEFAULT_COSTS } from "../metrics/cost-model.js";
import type { RunError, RunResult } from "../report/result.js";
import { VERSION } from "../version.js";
import { loadCollector } from "../collectors/user-collector.js";
import { collectors, isCollectorName } from "../collectors/registry.js";
import { importWorkload } from "../workload/load.js";
import { collectorLabel, effectiveOptions } from "./collector-spec.js";
import { shapeFigures } from "./measure.js";
import { findMinHeap, type MinHeapResult } from "./minheap.js";
import { runWorkload, type RunOptions } from "./run.js";

export interface RunRequest {
  file: string;
  /** `collector` is a built-in's name or a user collector's path: each thread loads it itself. */
  options: RunOptions & { collector: string };
}

/** What a worker can do: one run, or a whole minimum-heap search (a sequence of runs). */
export type Task = ({ kind: "run" } | { kind: "minheap"; resolution: number }) & RunRequest;

export async function performTask(task: Task): Promise<RunResult | MinHeapResult> {
  if (task.kind === "minheap") {
    const options = { ...task.options, collector: await loadCollector(task.options.collector) };
    return findMinHeap(await importWorkload(task.file, task.options.params), options, task.resolution);
  }
  try {
    const options = { ...task.options, collector: await loadCollector(task.options.collector) };
    return runWorkload(await importWorkload(task.file, task.options.params), options);
  } catch (e) {
    return failedRun(task, e);
  }
}

/** The result of a run that threw before or outside the run proper: every key present, nothing measured. */
export function failedRun(request: RunRequest, e: unknown): RunResult {
  const error: RunError =
    e instanceof WorkloadRuntimeError
      ? { kind: "runtime", message: e.message, path: e.path }
      : e instanceof GcsimError
        ? { kind: "input", message: e.message }
        : { kind: "internal", message: `internal error (please report it): ${(e as Error)?.stack ?? String(e)}` };
  const o = request.options;
  const name = o.collector;
  const given = o.collectorOptions ?? {};
  // A collector file that could not be loaded keeps its path and the options as given.
  const options = isCollectorName(name) ? effectiveOptions(collectors[name], given) : given;
  const nothing = shapeFigures(
    {
      pauseKinds: [],
      pauseStartNs: [],
      pauseNs: [],
      mutatorNs: 0,
      gcNs: 0,
      allocatedObjects: 0,
      allocatedBytes: 0,
      work: { ...new WorkCounters() },
      peakLive: null,
      peakFootprint: 0,
      peakFragmentation: null,
      live: { bytes: 0, objects: 0, hash: 0 },
      collectorFigures: {},
      mutator: { statements: 0, loads: 0, stores: 0, calls: 0, payloadAccesses: 0 },
      concurrentNs: 0,
      barrierNs: 0,
      pauseCycles: [],
      cycles: [],
      cycleOpen: false,
    },
    false,
  );
  return {
    gcsim: VERSION,
    outcome: "error",
    error,
    workload: basename(request.file).replace(/\.(json|[cm]?[jt]s)$/, ""),
    file: request.file,
    collector: name,
    label: o.label ?? collectorLabel(name, given),
    options,
    heapBytes: o.heapBytes ?? 0,
    seed: o.seed ?? 1,
    params: o.params ?? {},
    costModel: o.costModel ?? { ...DEFAULT_COSTS },
    verified: false,
    ...nothing,
    leaked: { objects: null, bytes: null, cycles: null },
    output: [],
    sweep: null,
    wall: { totalMs: 0, mutatorMs: 0, gcMs: 0, pauses: { count: 0, totalMs: 0, maxMs: 0 }, allocationsPerSecond: null, liveProbeMs: null, endOfRunMs: 0 },
  };
}

const WORKER_URL = new URL("./worker.js", import.meta.url);

/** A worker thread; under the no-build development loop (tsx, this module a .ts file) it registers tsx first. */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(WORKER_URL);
  const tsx = import.meta.resolve("tsx/esm/api");
  const worker = new URL("./worker.ts", import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`, { eval: true });
}

export async function runAll(
  requests: RunRequest[],
  jobs = availableParallelism(),
  onDone: (done: number) => void = () => {},
): Promise<RunResult[]> {
  const outcomes = await performAll(requests.map((r) => ({ kind: "run", ...r })), jobs, onDone);
  return outcomes.map((o, i) => (o instanceof Error ? failedRun(requests[i], o) : (o as RunResult)));
}

/** One minimum-heap search per request; a search that failed is its error. */
export async function findMinHeaps(
  requests: RunRequest[],
  resolution: number,
  jobs = availableParallelism(),
  onDone: (done: number) => void = () => {},
): Promise<(MinHeapResult | GcsimError)[]> {
  const tasks: Task[] = requests.map((r) => ({ kind: "minheap", resolution, ...r }));
  const outcomes = await performAll(tasks, jobs, onDone);
  return outcomes.map((o) => (o instanceof GcsimError ? o : o instanceof Error ? new GcsimError(`internal error (please report it): ${o.stack ?? o.message}`, 2) : (o as MinHeapResult)));
}

type Outcome = RunResult | MinHeapResult | Error;

async function performAll(requests: Task[], jobs: number, onDone: (done: number) => void): Promise<Outcome[]> {
  const results = new Array<Outcome>(requests.length);
  if (jobs <= 1 || requests.length <= 1) {
    for (const [i, task] of requests.entries()) {
      try {
        results[i] = await performTask(task);
      } catch (e) {
        results[i] = e instanceof Error ? e : new Error(String(e));
      }
      onDone(i + 1);
    }
    return results;
  }
  let next = 0;
  let done = 0;
  const worker = () =>
    new Promise<void>((resolve) => {
      let current = -1;
      const thread = startWorker();
      const feed = () => {
        if (next >= requests.length) {
          void thread.terminate().then(() => resolve());
          return;
        }
        current = next++;
        thread.postMessage({ index: current, request: requests[current] });
      };
      thread.on("message", (message: { index: number; result?: RunResult | MinHeapResult; error?: SerialisedError }) => {
        results[message.index] = message.error ? rebuildError(message.error) : message.result!;
        onDone(++done);
        feed();
      });
      // A worker that dies (out of JavaScript memory, a crash) loses only the task it was doing.
      thread.on("error", (e) => {
        if (current >= 0 && results[current] === undefined) {
          results[current] = e;
          onDone(++done);
        }
        worker().then(resolve, resolve);
      });
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(jobs, requests.length) }, worker));
  return results;
}

interface SerialisedError {
  name: string;
  message: string;
  exitCode?: number;
  details?: string[];
  stack?: string;
}

/** Errors cross the thread boundary as data; user-facing ones become themselves again. */
function rebuildError(e: SerialisedError): Error {
  if (e.exitCode === undefined) return Object.assign(new Error(e.message), { name: e.name, stack: e.stack });
  return e.name === "InputError" ? new InputError(e.message, e.details) : new GcsimError(e.message, e.exitCode);
}
