/** Reading input files with a size limit, so a device, a FIFO or a huge file cannot exhaust memory. */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import { describeFsError } from "./output.js";

/**
 * Reads a text file of at most `maxBytes` bytes; `what` names the file kind
 * in errors ("workload", "cost model", "results"). A larger file (or an
 * endless one, such as /dev/zero) is an input error, found after reading
 * at most `maxBytes + 1` bytes.
 */
export function readTextFile(file: string, what: string, maxBytes: number): string {
  let fd: number;
  try {
    // "-" is standard input (a pipe, file or socket: never opened by path).
    fd = file === "-" ? 0 : openSync(file, "r");
  } catch (e) {
    throw new InputError(`cannot read ${what} ${file}: ${describeFsError(e)}`);
  }
  const tooLarge = () => new InputError(`${what} ${file} is larger than the limit of ${maxBytes} bytes`);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(`cannot read ${what} ${file}: it is a directory`);
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new InputError(`cannot read ${what} ${file}: ${describeFsError(e)}`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooLarge();
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}
