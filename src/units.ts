/** Parsing of byte sizes ("64MiB", "512k", "1g", 1048576) and the heap size limit. */
import { InputError } from "./errors.js";
import { MAX_HEAP_BYTES } from "./heap/heap.js";

/** Unit suffixes, case-insensitive: binary KiB/MiB/GiB and JVM-style k/m/g (also binary), decimal KB/MB/GB. */
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

/** Parses a size; the result is rounded down to a multiple of 8 bytes (the heap granule). */
export function parseSize(text: string | number, what = "size"): number {
  let bytes: number;
  if (typeof text === "number") {
    bytes = text;
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
    const unit = m?.[2].toLowerCase() ?? "";
    if (!m || !Object.hasOwn(UNITS, unit)) {
      throw new InputError(`${what} "${text}" is not a size (examples: 64MiB, 512KiB, 64m, 1g, 1048576)`);
    }
    bytes = Math.floor(Number(m[1]) * UNITS[unit]);
  }
  if (!Number.isFinite(bytes) || bytes < 8) throw new InputError(`${what} must be at least 8 bytes, got ${text}`);
  return Math.floor(bytes / 8) * 8;
}

/** The largest heap, in bytes; a multiple of 8 (addresses stay below 2^31). */
export const MAX_HEAP = Math.floor(MAX_HEAP_BYTES / 8) * 8;

/** A heap size the simulated heap supports, else an input error naming the limit. */
export function checkHeapBytes(bytes: number, what = "heap"): number {
  if (bytes > MAX_HEAP) {
    throw new InputError(`${what}: ${bytes} bytes is more than the largest simulated heap, ${MAX_HEAP} bytes (1 GiB less 1 MiB: addresses stay below 2^31, and the address space holds the heap twice, main spaces and large-object range)`);
  }
  return bytes;
}

/** parseSize for a heap: also within the heap size limit. */
export function parseHeapSize(text: string | number, what = "--heap"): number {
  return checkHeapBytes(parseSize(text, what), `${what} ${text}`);
}
