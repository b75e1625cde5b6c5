import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { errnoCode } from "../errors/evh-error.js";

/**
 * A state file's text, read without following a link (a link planted where
 * the agent keeps its state is an error, never a way to read another file);
 * undefined when the file does not exist.
 */
export async function readTextNoFollow(file: string): Promise<string | undefined> {
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}
