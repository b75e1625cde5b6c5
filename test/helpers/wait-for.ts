/*
 * Polls a condition until it returns a truthy value or the deadline passes
 * (default 10 s), then throws naming what was awaited. Tests wait for
 * conditions, never for fixed times. Shared with the torture scripts.
 */
export { until, waitFor } from "../../torture/lib/evh.mjs";
