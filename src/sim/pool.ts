/**
 * Runs independent (workload, collector) runs on worker threads, one per core
 * by default. Each run is deterministic and shares nothing with the others, so
 * the results are identical to a sequential run; they come back in the order
 * the runs were given.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { GcsimError, InputError } from "../errors.js";
import type { RunResult } from "../report/result.js";
import { loadCollector } from "../collectors/user-collector.js";
import { loadWorkload } from "../workload/load.js";
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
  const workload = loadWorkload(task.file, task.options.params);
  const options = { ...task.options, collector: await loadCollector(task.options.collector) };
  return task.kind === "run" ? runWorkload(workload, options) : findMinHeap(workload, options, task.resolution);
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
  return (await performAll(requests.map((r) => ({ kind: "run", ...r })), jobs, onDone)) as RunResult[];
}

export async function findMinHeaps(
  requests: RunRequest[],
  resolution: number,
  jobs = availableParallelism(),
  onDone: (done: number) => void = () => {},
): Promise<MinHeapResult[]> {
  const tasks: Task[] = requests.map((r) => ({ kind: "minheap", resolution, ...r }));
  return (await performAll(tasks, jobs, onDone)) as MinHeapResult[];
}

async function performAll(
  requests: Task[],
  jobs: number,
  onDone: (done: number) => void,
): Promise<(RunResult | MinHeapResult)[]> {
  const results = new Array<RunResult | MinHeapResult>(requests.length);
  if (jobs <= 1 || requests.length <= 1) {
    for (const [i, task] of requests.entries()) {
      results[i] = await performTask(task);
      onDone(i + 1);
    }
    return results;
  }
  let next = 0;
  let done = 0;
  const worker = () =>
    new Promise<void>((resolve, reject) => {
      const thread = startWorker();
      const feed = () => {
        if (next >= requests.length) {
          void thread.terminate().then(() => resolve());
          return;
        }
        const index = next++;
        thread.postMessage({ index, request: requests[index] });
      };
      thread.on("message", (message: { index: number; result?: RunResult | MinHeapResult; error?: { name: string; message: string; exitCode?: number; details?: string[] } }) => {
        if (message.error) {
          void thread.terminate();
          reject(rebuildError(message.error));
          return;
        }
        results[message.index] = message.result!;
        onDone(++done);
        feed();
      });
      thread.on("error", reject);
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(jobs, requests.length) }, worker));
  return results;
}

/** Errors cross the thread boundary as data; user-facing ones become themselves again. */
function rebuildError(e: { name: string; message: string; exitCode?: number; details?: string[] }): Error {
  if (e.exitCode === undefined) return Object.assign(new Error(e.message), { name: e.name });
  return e.name === "InputError" ? new InputError(e.message, e.details) : new GcsimError(e.message, e.exitCode);
}
