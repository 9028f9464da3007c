/** Units chosen per magnitude, for tables people read. */

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Simulated or wall time given in nanoseconds. */
export function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${ns.toFixed(0)} ns`;
  if (abs < 1e6) return `${(ns / 1e3).toFixed(abs < 1e4 ? 2 : 1)} µs`;
  if (abs < 1e9) return `${(ns / 1e6).toFixed(abs < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export const formatMs = (ms: number) => formatNs(ms * 1e6);
export const formatCount = (n: number) => Math.round(n).toLocaleString("en-US");
export const formatPercent = (x: number) => `${(x * 100).toFixed(1)}%`;
