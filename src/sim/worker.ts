/** Worker-thread entry for the run pool: runs one request at a time and posts the result back. */
import { parentPort } from "node:worker_threads";
import { GcsimError, InputError } from "../errors.js";
import { loadWorkload } from "../workload/load.js";
import type { RunRequest } from "./pool.js";
import { runWorkload } from "./run.js";

parentPort!.on("message", ({ index, request }: { index: number; request: RunRequest }) => {
  try {
    const result = runWorkload(loadWorkload(request.file, request.options.params), request.options);
    parentPort!.postMessage({ index, result });
  } catch (e) {
    const error = e as Error;
    parentPort!.postMessage({
      index,
      error: {
        name: error.name,
        message: error.message,
        exitCode: e instanceof GcsimError ? e.exitCode : undefined,
        details: e instanceof InputError ? e.details : undefined,
      },
    });
  }
});
