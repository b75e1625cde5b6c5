import { type Catalogue, getCatalogue } from "../events/catalogue.js";
import { lookupUser, type SystemUser } from "../system/system-users.js";
import type { EventLookup, ParseContext } from "./parse-context.js";
import { checkProgram } from "./program-path.js";
import { checkProgramReach } from "./program-reach.js";
import { caFileProblem, secretFileProblem } from "./secret-file.js";

/** The parser's view of the system, plus the loader's own policy. */
export interface LoadContext extends ParseContext {
  /** Largest handler file accepted. @defaultValue 1 MiB */
  readonly maxFileBytes: number;
}

/** What may be overridden; everything else comes from the real system. */
export interface LoadOptions {
  /** The catalogue's verdict on an event id. @defaultValue the built-in catalogue (SPEC §7) */
  readonly knownEvent?: (id: string) => EventLookup;
  /** @defaultValue the account database (`/etc/passwd`, then `getent`) */
  readonly lookupUser?: (nameOrUid: string) => SystemUser | undefined;
  /** @defaultValue `checkProgram`: exists, is a regular file, is executable */
  readonly programCheck?: (program: string, cwd: string) => string | undefined;
  /** @defaultValue `checkProgramReach`: every folder on the way searchable by the handler's user */
  readonly programReach?: (program: string, cwd: string, user: SystemUser) => string | undefined;
  /** @defaultValue whether `agentUser` is uid 0 */
  readonly agentIsRoot?: boolean;
  /** @defaultValue 1 MiB */
  readonly maxFileBytes?: number;
  /** The evh root, for relative paths in handlers. @defaultValue none */
  readonly baseDir?: string;
  /** `redact:` from evh.yaml. @defaultValue none */
  readonly redactFragments?: readonly string[];
}

export const DEFAULT_MAX_HANDLER_FILE_BYTES = 1024 * 1024;

/** A load context for an agent (or `evh validate`) running as `agentUser`. */
export function createLoadContext(agentUser: SystemUser, options: LoadOptions = {}): LoadContext {
  return {
    agentUser,
    agentIsRoot: options.agentIsRoot ?? agentUser.uid === 0,
    lookupUser: options.lookupUser ?? ((nameOrUid) => lookupUser(nameOrUid)),
    programCheck: options.programCheck ?? checkProgram,
    programReach: options.programReach ?? checkProgramReach,
    // Read lazily: a context made for a command that never loads handlers costs nothing.
    knownEvent: options.knownEvent ?? ((id) => catalogueLookup(getCatalogue(), id)),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_HANDLER_FILE_BYTES,
    secretFileCheck: (file) => secretFileProblem(file, agentUser.uid),
    caFileCheck: caFileProblem,
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    ...(options.redactFragments === undefined ? {} : { redactFragments: options.redactFragments }),
  };
}

/** What a catalogue says about an event id, as the parser asks it. */
export function catalogueLookup(catalogue: Catalogue, id: string): EventLookup {
  if (catalogue.find(id) !== undefined) return { known: true };
  const suggestion = catalogue.suggest(id);
  return suggestion === undefined ? { known: false } : { known: false, suggestion };
}

/**
 * The same context with user lookups and program checks remembered: one load
 * asks for each name once (a user miss costs a `getent` process; a program
 * check a stat and an access, for each of 10,000 handlers that often share a
 * script). Not kept across loads, so a user created or a script made
 * executable since is found at the next reload.
 */
export function withLoadCache(ctx: LoadContext): LoadContext {
  const users = new Map<string, SystemUser | undefined>();
  const programs = new Map<string, string | undefined>();
  const reaches = new Map<string, string | undefined>();
  return {
    ...ctx,
    lookupUser(nameOrUid) {
      if (!users.has(nameOrUid)) users.set(nameOrUid, ctx.lookupUser(nameOrUid));
      return users.get(nameOrUid);
    },
    programCheck(program, cwd) {
      // NUL cannot occur in a path: the pair is unambiguous.
      const key = `${cwd}\0${program}`;
      if (!programs.has(key)) programs.set(key, ctx.programCheck(program, cwd));
      return programs.get(key);
    },
    ...(ctx.programReach === undefined
      ? {}
      : {
          programReach(program: string, cwd: string, user: SystemUser) {
            const key = `${user.uid}:${user.gid}\0${cwd}\0${program}`;
            if (!reaches.has(key)) reaches.set(key, ctx.programReach?.(program, cwd, user));
            return reaches.get(key);
          },
        }),
  };
}
