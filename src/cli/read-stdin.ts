import { UsageError } from "../errors/evh-error.js";

/**
 * Standard input, whole, but never more than `maxBytes`: `evh emit --file -`
 * and `--params -` (SPEC §2: secrets stay off the command line). Refuses
 * more at once, without reading on to the end.
 */
export async function readStdin(maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > maxBytes) {
      process.stdin.destroy();
      throw new UsageError(`${what}: standard input is over the ${maxBytes}-byte limit`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
