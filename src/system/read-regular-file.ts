import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/**
 * A small file read so that what was checked is what was read: one open that
 * never blocks (a FIFO swapped in opens at once and is then refused) and,
 * unless `followLinks`, never follows a link; the checks run on the open
 * descriptor (fstat), and the content is read from it, at most `maxBytes`.
 * Returns why it is unusable instead of throwing.
 */
export function readRegularFile(
  file: string,
  options: { maxBytes: number; followLinks?: boolean },
): { text: string; stats: Stats } | { problem: string } {
  let fd: number;
  try {
    const follow = options.followLinks ? 0 : constants.O_NOFOLLOW;
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | follow);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return { problem: code === "ELOOP" ? "is a link" : `cannot be read (${code})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { problem: "is not a regular file" };
    if (stats.size > options.maxBytes)
      return { problem: `is larger than ${options.maxBytes} bytes` };
    const buffer = Buffer.alloc(stats.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    return { text: buffer.subarray(0, length).toString("utf8"), stats };
  } finally {
    closeSync(fd);
  }
}
