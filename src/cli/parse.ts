/** Option value parsers shared by commands; each throws InputError naming the option. */
import { InvalidArgumentError } from "commander";

export function parseInteger(name: string, min = 0) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+(e\d+)?$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    }
    return n;
  };
}

/** Accumulates repeatable "name=value" integer options into a record. */
export function collectParam(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected name=integer, got "${value}"`);
  return { ...previous, [m[1]]: Number(m[2]) };
}

/** Accumulates repeatable "key=value" collector options (values are parsed by the collector). */
export function collectOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const m = /^([A-Za-z][A-Za-z0-9-]*)=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [m[1]]: m[2] };
}

/** Accumulates a repeatable option's values in order. */
export function collectRepeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A relative precision in (0, 1], or "off" (kept as the string: commander turns a parsed null into ""). */
export function parsePrecisionOrOff(name: string) {
  return (value: string): number | "off" => {
    if (value === "off") return value;
    const n = Number(value);
    if (!/^\d*\.?\d+(e-?\d+)?$/.test(value) || !(n > 0 && n <= 1)) {
      throw new InvalidArgumentError(`${name} must be a fraction in (0, 1], e.g. 0.01, or off`);
    }
    return n;
  };
}
