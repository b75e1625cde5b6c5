import { fileURLToPath } from "node:url";

/** Absolute path of a script in test/fixtures/scripts/. */
export function fixtureScript(name: string): string {
  return fileURLToPath(new URL(`../fixtures/scripts/${name}`, import.meta.url));
}
