import { readFileSync } from "node:fs";
import type { Sidecar } from "../../src/spool/sidecar.js";
import type { TempRoot } from "./temp-root.js";

/** Reads spool/failed/NAME.error.json. */
export function readSidecar(root: TempRoot, eventName: string): Sidecar {
  return JSON.parse(
    readFileSync(root.path("spool/failed", `${eventName}.error.json`), "utf8"),
  ) as Sidecar;
}
