import path from "node:path";
import { rootArgs } from "../config/find-root.js";

/**
 * The command a bridge handler runs in Plesk, and how the bridge recognises
 * its own handlers again (by their command: Plesk stores nothing else that
 * could mark them). Pure.
 *
 *     /opt/evh/bin/evh emit --from-env domain_create --root /srv/evh
 */

/** Words that mean the same to a shell and to a plain split on spaces, so no quoting question arises. */
const PLAIN = /^[A-Za-z0-9_/.,:@%+=-]+$/;

/** The bridge's command for `event`; throws when a path would need shell quoting. */
export function bridgeCommand(evhPath: string, event: string, root: string): string {
  const words = [evhPath, "emit", "--from-env", event, ...rootArgs(root)];
  const odd = words.find((word) => !PLAIN.test(word));
  if (odd !== undefined) {
    // Whether Plesk runs the command through a shell is not documented: a path with
    // spaces or quotes could break either way, so it is refused rather than quoted.
    throw new Error(
      `${JSON.stringify(odd)} holds spaces or shell characters; install evh and its root at plain paths (letters, digits, / . _ -)`,
    );
  }
  return words.join(" ");
}

/** What a bridge command says: which evh, which event, which root (undefined: none given). */
export interface BridgeTarget {
  readonly evhPath: string;
  readonly event: string;
  readonly root: string | undefined;
}

/** The target of a command if it is a bridge command (of any evh, any root), else undefined. */
export function parseBridgeCommand(command: string): BridgeTarget | undefined {
  const words = command.trim().split(/\s+/);
  const [evhPath, emit, fromEnv, event, flag, root, ...rest] = words;
  if (evhPath === undefined || path.basename(evhPath) !== "evh") return undefined;
  if (emit !== "emit" || fromEnv !== "--from-env" || event === undefined) return undefined;
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(event) || rest.length > 0) return undefined;
  if (flag === undefined) return { evhPath, event, root: undefined };
  if (flag !== "--root" || root === undefined) return undefined;
  return { evhPath, event, root };
}
