/** Worker-thread entry for the pool: performs one task at a time and posts the result back. */
import { parentPort } from "node:worker_threads";
import { GcsimError, InputError } from "../errors.js";
import { performTask, type Task } from "./pool.js";

parentPort!.on("message", async ({ index, request }: { index: number; request: Task }) => {
  try {
    parentPort!.postMessage({ index, result: await performTask(request) });
  } catch (e) {
    const error = e as Error;
    parentPort!.postMessage({
      index,
      error: {
        name: error.name,
        message: error.message,
        stack: error.stack,
        exitCode: e instanceof GcsimError ? e.exitCode : undefined,
        details: e instanceof InputError ? e.details : undefined,
      },
    });
  }
});
