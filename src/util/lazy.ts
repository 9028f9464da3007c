/**
 * Loads a CommonJS package on first use rather than at start-up: a `gcsim run
 * --format json` never pays for the table, CSV or progress-bar packages.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
