/** Parsing and printing of byte sizes ("64MiB", "512KiB", 1048576). */
import { InputError } from "./errors.js";

const UNITS: Record<string, number> = {
  "": 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
};

/** Parses a size; the result is rounded down to a multiple of 8 bytes (the heap granule). */
export function parseSize(text: string | number, what = "size"): number {
  let bytes: number;
  if (typeof text === "number") {
    bytes = text;
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
    if (!m || !Object.hasOwn(UNITS, m[2])) {
      throw new InputError(`${what} "${text}" is not a size (examples: 64MiB, 512KiB, 1GiB, 1048576)`);
    }
    bytes = Math.floor(Number(m[1]) * UNITS[m[2]]);
  }
  if (!Number.isFinite(bytes) || bytes < 8) throw new InputError(`${what} must be at least 8 bytes, got ${text}`);
  return Math.floor(bytes / 8) * 8;
}

