import { type Document, isScalar, parseAllDocuments, visit, type YAMLError } from "yaml";
import { EventDecodeError, toError } from "../errors/evh-error.js";
import { quote } from "./describe-value.js";
import { MAX_YAML_ALIASES } from "./limits.js";
import { describePosition, positionAt } from "./text-position.js";
import { guardYamlTokens } from "./yaml-guard.js";

/**
 * Reads one YAML document with the YAML 1.2 core schema, so `yes`, `on` and
 * `2026-11-28` stay strings (SPEC §2). Maps come back as `Map` instances
 * (`mapAsMap`): their keys may be numbers or booleans, and keeping them as
 * they are lets validation name a bad key instead of yaml stringifying it.
 * A file of only comments is `null`.
 */
export function parseYamlDocument(text: string): unknown {
  guardYamlTokens(text);
  const docs = parseAllDocuments(text, {
    version: "1.2",
    schema: "core",
    merge: false,
    uniqueKeys: true,
    // Pretty errors quote the source around the error; on deep nesting that crashes V8.
    prettyErrors: false,
  });
  if (!Array.isArray(docs)) return null;
  const [doc, second] = docs;
  if (second) {
    const { line } = positionAt(text, second.range[0]);
    throw new EventDecodeError(`more than one YAML document (the second starts at line ${line})`);
  }
  if (!doc) return null;
  // Warnings too: the yaml package warns where a stricter reader should refuse.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw yamlProblem(text, problem, doc);
  try {
    return doc.toJS({ mapAsMap: true, maxAliasCount: MAX_YAML_ALIASES });
  } catch (thrown) {
    const error = toError(thrown);
    if (/alias count/i.test(error.message)) {
      const reason = `YAML aliases expand too much (more than ${MAX_YAML_ALIASES} expansions)`;
      throw new EventDecodeError(reason, "", { cause: error });
    }
    throw new EventDecodeError(`invalid YAML: ${oneLine(error.message)}`, "", { cause: error });
  }
}

function yamlProblem(text: string, problem: YAMLError, doc: Document.Parsed): EventDecodeError {
  const [start] = problem.pos;
  const where = describePosition(text, start);
  if (problem.code === "DUPLICATE_KEY") {
    return new EventDecodeError(`duplicate key ${quote(keyAt(doc, start))} at ${where}`);
  }
  // The composer recurses; yaml catches the overflow and reports it as an error.
  if (/call stack/i.test(problem.message)) {
    return new EventDecodeError(`YAML nesting too deep at ${where}`);
  }
  return new EventDecodeError(`invalid YAML at ${where}: ${oneLine(problem.message)}`);
}

/** The key whose node starts at `offset`: yaml's error position covers only its first character. */
function keyAt(doc: Document.Parsed, offset: number): string {
  let key = "";
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n[\s\S]*$/, "");
}
