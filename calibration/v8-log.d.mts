// Types of v8-log.mjs, for tests/calibration.test.ts (the module itself stays plain JavaScript).
export interface V8GcEvent {
  /** V8's kind: "s" scavenge, "mc" mark-compact, "mmc" minor mark-compact. */
  gc: string;
  /** Pause in ms, as V8 prints it (to 0.1 ms). */
  pause: number;
  /** Every other numeric name=value pair of the line. */
  fields: Record<string, number>;
}
export interface PauseSummary {
  count: number;
  p50: number;
  p95: number;
  max: number;
  maxOverP50: number;
  p95OverP50: number;
  total: number;
}
export function parseNvpLog(text: string): V8GcEvent[];
export function percentile(sorted: readonly number[], p: number): number;
export function median(values: readonly number[]): number;
export function summarise(values: readonly number[]): PauseSummary;
export function copiedBytes(event: V8GcEvent): number;
export function linearFit(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number; r2: number };
