/*
 * bin/evh as a child process: the one harness the tests and the torture
 * scripts share (torture/lib/evh.mjs, typed by its .d.mts). Programs that run
 * to completion go through execa; the agent is a long-lived child whose
 * console is read as it runs.
 */
export {
  AgentProcess,
  EVH_BIN,
  type EvhResult,
  type ExitInfo,
  type RunOptions,
  type RunResult,
  run,
  runEvh,
  type StartOptions,
  startAgent,
  TEST_ENV,
} from "../../torture/lib/evh.mjs";
