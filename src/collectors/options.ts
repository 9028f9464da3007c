/**
 * Collector options (`--opt key=value`): each collector declares its options
 * with a default, a meaning and a parser; unknown keys and bad values are
 * input errors naming the valid choices.
 */
import { InputError } from "../errors.js";
import { parseSize } from "../units.js";

export interface OptionSpec<T = unknown> {
  readonly description: string;
  readonly default: string;
  /** Returns the parsed value or throws an Error whose message says what is valid. */
  parse(value: string, heapBytes: number): T;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type ParsedOptions<S extends OptionSpecs> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

export function choice<const C extends string>(choices: readonly C[], byDefault: C, description: string): OptionSpec<C> {
  return {
    description,
    default: byDefault,
    parse(value) {
      if (!(choices as readonly string[]).includes(value)) throw new Error(`expected one of ${choices.join(", ")}`);
      return value as C;
    },
  };
}

export function integer(min: number, max: number, byDefault: number, description: string): OptionSpec<number> {
  return {
    description,
    default: String(byDefault),
    parse(value) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
      return n;
    },
  };
}

/** A size in bytes, or a percentage of the heap ("25%"). */
export function heapShare(byDefault: string, description: string): OptionSpec<number> {
  return {
    description,
    default: byDefault,
    parse(value, heapBytes) {
      const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
      if (percent) {
        const p = Number(percent[1]);
        if (p <= 0 || p >= 100) throw new Error("expected a percentage between 0 and 100");
        return Math.floor((heapBytes * p) / 100 / 8) * 8;
      }
      try {
        return parseSize(value);
      } catch {
        throw new Error("expected a size such as 4MiB or a share of the heap such as 25%");
      }
    },
  };
}

/** Parses raw `--opt` values against a collector's specs, filling in defaults. */
export function parseOptions(
  collector: string,
  specs: OptionSpecs,
  raw: Record<string, string>,
  heapBytes: number,
): { values: Record<string, unknown>; effective: Record<string, string> } {
  const names = Object.keys(specs);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(specs, key)) {
      throw new InputError(
        `unknown option "${key}" for collector ${collector} (${names.length ? `options: ${names.join(", ")}` : "it has no options"})`,
      );
    }
  }
  const values: Record<string, unknown> = {};
  const effective: Record<string, string> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const text = Object.hasOwn(raw, key) ? raw[key] : spec.default;
    try {
      values[key] = spec.parse(text, heapBytes);
    } catch (e) {
      throw new InputError(`--opt ${key}=${text} for collector ${collector}: ${(e as Error).message}`);
    }
    effective[key] = text;
  }
  return { values, effective };
}

/**
 * The large-object threshold every built-in collector shares (spread into
 * each definition's `options`): objects of more than this many bytes go to
 * the large-object space (spaces/large-object-space.ts). The default, 8 KiB,
 * is whippet's GC_LARGE_OBJECT_THRESHOLD (8192); Go uses 32 KiB and V8
 * 128 KiB. `off` sends every object to the main spaces, as before the space
 * existed.
 */
/** A simulated duration: "2ms", "500us", "250000ns". */
export function duration(byDefault: string, description: string): OptionSpec<number> {
  return {
    description,
    default: byDefault,
    parse(value) {
      const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms)$/.exec(value);
      const ns = m ? Number(m[1]) * (m[2] === "ms" ? 1e6 : m[2] === "ns" ? 1 : 1e3) : NaN;
      if (!(ns >= 1_000 && ns <= 1e9)) throw new Error("expected a duration from 1us to 1000ms, such as 2ms or 500us");
      return ns;
    },
  };
}

/** A number in a range, written as a decimal ("0.25", "2"). */
export function decimal(min: number, max: number, byDefault: string, description: string): OptionSpec<number> {
  return {
    description,
    default: byDefault,
    parse(value) {
      const n = Number(value);
      if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) throw new Error(`expected a number from ${min} to ${max}`);
      return n;
    },
  };
}

/** A size in bytes ("64KiB"), at least one granule; or, given `powerOfTwo`, a power of two from min to max bytes (Immix's lines and blocks). */
export function size(byDefault: string, description: string, powerOfTwo?: { min: number; max: number }): OptionSpec<number> {
  return {
    description,
    default: byDefault,
    parse(value) {
      let n: number;
      try {
        n = parseSize(value);
      } catch {
        n = NaN;
      }
      if (powerOfTwo !== undefined) {
        const { min, max } = powerOfTwo;
        if (!(n >= min && n <= max) || (n & (n - 1)) !== 0) throw new Error(`expected a power of two from ${min} to ${max} bytes`);
      } else if (Number.isNaN(n)) {
        throw new Error("expected a size such as 64KiB");
      } else if (n < 8) {
        throw new Error("expected at least 8 bytes");
      }
      return n;
    },
  };
}

export const largeObjectOptions = {
  large: {
    description: "objects larger than this (bytes, e.g. 8KiB) live in the non-moving large-object space; off: none do",
    default: "8KiB",
    parse(value: string): number {
      if (value === "off") return Infinity;
      try {
        return parseSize(value);
      } catch {
        throw new Error("expected a size such as 8KiB, or off");
      }
    },
  } satisfies OptionSpec<number>,
};

/** The shared large-object option at its default, for a plan built without parsed options (a user's subclass). */
export const DEFAULT_LARGE_OBJECT_OPTIONS: ParsedOptions<typeof largeObjectOptions> = {
  large: largeObjectOptions.large.parse(largeObjectOptions.large.default),
};
