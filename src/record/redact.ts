import { BUILTIN_SECRET_FRAGMENTS } from "../config/config.js";

/** The mask shown instead of a secret (SPEC §8). */
export const MASK = "***";

/** Values shorter than this are not masked inside free text: too likely to hit innocent output. */
const MIN_MASKED_IN_TEXT = 6;

/**
 * Knows which params are secrets and hides their values in what people read:
 * the log, `evh test`, sidecars, captured output. Handlers still get the real
 * values.
 */
export class Redactor {
  private readonly fragments: readonly string[];

  constructor(extra: readonly string[] = []) {
    this.fragments = [...BUILTIN_SECRET_FRAGMENTS, ...extra.map((f) => f.toUpperCase())];
  }

  /** Whether a param name names a secret (`NEW_PASSWORD`, `API_TOKEN`, ...). */
  isSecret(name: string): boolean {
    const upper = name.toUpperCase();
    return this.fragments.some((fragment) => upper.includes(fragment));
  }

  /** A copy of `vars` with the secrets' values replaced by `***`. */
  maskVars(vars: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(vars))
      out[name] = this.isSecret(name) ? MASK : value;
    return out;
  }

  /** The secret values among `params`, longest first, that free text must not show. */
  secretValues(params: Readonly<Record<string, string>>): string[] {
    return Object.entries(params)
      .filter(([name, value]) => this.isSecret(name) && value.length >= MIN_MASKED_IN_TEXT)
      .map(([, value]) => value)
      .sort((a, b) => b.length - a.length);
  }

  /** `text` with every occurrence of each secret value replaced by `***`. */
  static maskText(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(MASK);
    return out;
  }
}
