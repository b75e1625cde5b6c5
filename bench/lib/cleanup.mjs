/**
 * Everything the benchmark creates (temp dirs, agents, incrond, its table)
 * registers an undo step here, so an interrupted or crashed run still leaves
 * the machine as it found it. Steps are synchronous so they can run from the
 * process 'exit' event too.
 */
const steps = new Set();

/** Registers an undo step; returns a function that runs it now and unregisters it. */
export function onCleanup(step) {
  steps.add(step);
  return () => {
    if (steps.delete(step)) runQuietly(step);
  };
}

export function cleanupAll() {
  for (const step of [...steps].reverse()) {
    steps.delete(step);
    runQuietly(step);
  }
}

function runQuietly(step) {
  try {
    step();
  } catch {
    // best effort: one failed undo must not stop the others
  }
}

process.on("exit", cleanupAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
    cleanupAll();
    process.exit(130);
  });
}
