/**
 * Plesk passes an event's params in its handlers' environment as `OLD_<NAME>`
 * and `NEW_<NAME>`. A panel's environment also holds unrelated variables
 * (PATH, HOME, the panel's own settings): only this convention is taken, and
 * only names the event-file format accepts (SPEC §2), so that a stray
 * lower-case variable cannot send the whole event to failed/.
 */
const PARAM_FROM_ENV = /^(?:OLD|NEW)_[A-Z0-9_]+$/;

/** The event's params from an environment, sorted by name (a stable file for the same event). */
export function paramsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && PARAM_FROM_ENV.test(name)) params[name] = value;
  }
  return params;
}
