import { UsageError } from "../errors/evh-error.js";
import { isParamPlaceholder } from "../handlers/placeholders.js";

/** A Plesk `-command` as evh stores it. */
export interface TranslatedCommand {
  readonly command: string;
  readonly shell: boolean;
  /** Whether the text changed (then the file also records the command as given). */
  readonly rewritten: boolean;
}

/**
 * Plesk ran a handler's command line through a shell, so `$NEW_MAILNAME` and
 * `${NEW_DOMAIN_NAME}` reached the program as values, and `<new_domain_name>`
 * placeholders were filled in too (SPEC §6). evh keeps that meaning without
 * ever letting a value be parsed as code:
 *
 * - A command that needs nothing of a shell but the expansion of params runs
 *   without one: each `$NAME`/`${NAME}` of a param (OLD_*, NEW_*, EVH_*)
 *   becomes the placeholder `<name>`, which is filled in after the command
 *   is split into words, so a value stays one argument whatever it holds.
 * - A command with shell syntax (`|`, `&&`, `;`, redirections, `$(...)`,
 *   other variables, globs) keeps its shell (`shell: true`); each param
 *   reference becomes a double-quoted expansion, `"${NEW_X}"`, whose value
 *   the shell neither splits, globs nor parses, and so do placeholders.
 *
 * Quotes are honoured as a shell honours them: inside single quotes `$NAME`
 * is literal text.
 */
export function translatePleskCommand(text: string): TranslatedCommand {
  const shell = needsShell(text);
  const command = !shell ? forArgv(text) : NESTED.test(text) ? asWritten(text) : forShell(text);
  return { command, shell, rewritten: command !== text };
}

/**
 * `$(...)`, backticks and here-documents open quoting contexts of their own,
 * which the one-level quote tracking below cannot follow: a quote added there
 * could end up closing the author's (`"$(printf %s "$NEW_X")"`) and leave the
 * value split and globbed. Such a command runs as written: its `$NEW_X`
 * references are the shell's own, quoted as their author quoted them, which
 * is what Plesk ran.
 */
const NESTED = /\$\(|`|<</;

/** A nested-shell command as written; a `<name>` placeholder cannot be placed safely in it. */
function asWritten(text: string): string {
  for (const p of scan(text).pieces) {
    if (p.kind === "param" && p.form === "placeholder" && isParamPlaceholder(p.name)) {
      throw new UsageError(
        `-command: a ${p.text} placeholder in a command with $(...), backticks or a here-document cannot be quoted safely; write $${p.name} there instead`,
      );
    }
  }
  return text;
}

type Quote = "none" | "single" | "double";

/** A piece of the command: literal text, or a reference to a param. */
type Piece =
  | { readonly kind: "text"; readonly text: string; readonly quote: Quote }
  | {
      readonly kind: "param";
      readonly name: string;
      readonly form: "dollar" | "placeholder";
      readonly quote: Quote;
      readonly text: string;
    };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/;
const PLACEHOLDER = /^<([A-Za-z0-9_]+)>/;
/** Characters that mean shell syntax outside quotes (a `<name>` placeholder aside). */
const OPERATORS = new Set(["|", "&", ";", "<", ">", "(", ")", "`", "*", "?", "[", "\n", "#", "~"]);

function isParam(name: string): boolean {
  return /^(OLD|NEW|EVH)_[A-Z0-9_]*$/.test(name);
}

/** Splits the text into literal runs and param references, tracking quotes; `shell` collects what needs a shell. */
function scan(text: string): { pieces: Piece[]; shell: boolean } {
  const pieces: Piece[] = [];
  let quote: Quote = "none";
  let shell = false;
  let atWordStart = true;
  const literal = (chunk: string) => {
    const last = pieces.at(-1);
    if (last?.kind === "text" && last.quote === quote) {
      pieces[pieces.length - 1] = { ...last, text: last.text + chunk };
    } else {
      pieces.push({ kind: "text", text: chunk, quote });
    }
  };
  /** Records a `<name>` placeholder; returns its length. */
  const takePlaceholder = (match: RegExpExecArray) => {
    const name = (match[1] as string).toUpperCase();
    pieces.push({ kind: "param", name, form: "placeholder", quote, text: match[0] });
    return match[0].length;
  };
  for (let i = 0; i < text.length; ) {
    const ch = text[i] as string;
    const rest = text.slice(i);
    const wordStart = atWordStart;
    atWordStart = quote === "none" && /\s/.test(ch);
    if (quote === "single") {
      if (ch === "'") quote = "none";
      const placeholder = PLACEHOLDER.exec(rest);
      if (placeholder && isParamPlaceholder(placeholder[1] as string)) {
        i += takePlaceholder(placeholder);
        continue;
      }
      literal(ch);
      i++;
      continue;
    }
    if (ch === "\\") {
      literal(text.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (ch === "$") {
      const braced = BRACED.exec(rest.slice(1));
      const bare = NAME.exec(rest.slice(1));
      const name = braced?.[1] ?? bare?.[0];
      if (name !== undefined && isParam(name)) {
        const length = 1 + (braced ? braced[0].length : name.length);
        pieces.push({
          kind: "param",
          name,
          form: "dollar",
          quote,
          text: text.slice(i, i + length),
        });
        i += length;
        continue;
      }
      shell = true; // $HOME, $1, $(...), ${X:-y}: the shell's own
      literal(ch);
      i++;
      continue;
    }
    const placeholder = PLACEHOLDER.exec(rest);
    if (placeholder) {
      i += takePlaceholder(placeholder);
      continue;
    }
    if (ch === "'" && quote === "none") quote = "single";
    else if (ch === '"') quote = quote === "double" ? "none" : "double";
    else if (quote === "double" && ch === "`") shell = true;
    else if (quote === "none" && OPERATORS.has(ch) && (ch !== "#" || wordStart)) shell = true;
    literal(ch);
    i++;
  }
  return { pieces, shell };
}

function needsShell(text: string): boolean {
  return scan(text).shell;
}

/** Param references as placeholders, filled in after the split (never parsed). */
function forArgv(text: string): string {
  return scan(text)
    .pieces.map((p) => {
      if (p.kind === "text") return p.text;
      if (p.form === "placeholder") return p.text;
      // Inside single quotes the shell would not have expanded it either.
      return p.quote === "single" ? p.text : `<${p.name.toLowerCase()}>`;
    })
    .join("");
}

/** Param references as double-quoted expansions: the shell substitutes the value and parses none of it. */
function forShell(text: string): string {
  return scan(text)
    .pieces.map((p) => {
      if (p.kind === "text") return p.text;
      if (p.form === "dollar" && p.quote === "single") return p.text;
      if (p.form === "placeholder" && !isParamPlaceholder(p.name)) return p.text;
      const expansion = `\${${p.name}}`;
      if (p.quote === "double") return expansion;
      if (p.quote === "single") return `'"${expansion}"'`;
      return `"${expansion}"`;
    })
    .join("");
}
