/** Output formats for run results, registered in one place. */
import type { ChalkInstance } from "chalk";
import type { RunResult } from "./result.js";
import { renderTable } from "./table.js";

export type Reporter = (result: RunResult, chalk: ChalkInstance) => string;

export const reporters = {
  table: renderTable,
  json: (result) => JSON.stringify(result, null, 2),
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;
export const formats = Object.keys(reporters) as Format[];
