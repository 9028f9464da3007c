/** Writing results: to stdout, or atomically to a file so a failed run never leaves half a file. */
import { renameSync, rmSync, writeFileSync } from "node:fs";

export function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

export function emit(text: string, file: string | undefined): void {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  if (file) writeAtomically(file, body);
  else process.stdout.write(body);
}
