import { createHash } from "node:crypto";
import { mkdirSync, realpathSync } from "node:fs";
import net from "node:net";
import { AgentRunningError, errnoCode, LockHeldError } from "../errors/evh-error.js";

/** What the lock's holder answers on every connection: who it is, so a second agent can say so. */
const GREETING = "evh-agent";
/** How long asking the holder for its pid may take (a busy or stopped holder). */
const ASK_TIMEOUT_MS = 3000;
/** Binding again when the holder vanished between our bind and our question. */
const BIND_ATTEMPTS = 5;

/**
 * The instance lock's name: a Unix socket in Linux's abstract namespace,
 * named after the spool's real path (SPEC §5). The kernel releases it the
 * moment its holder dies (a crash, kill -9, a reboot): no pid in a file,
 * so a reused pid cannot block a start, and bind(2) is atomic, so two
 * agents starting at the same moment can never both hold it.
 */
export function lockAddress(spoolDir: string): string {
  let real: string;
  try {
    real = realpathSync(spoolDir);
  } catch {
    real = spoolDir;
  }
  const hash = createHash("sha256").update(real).digest("hex").slice(0, 32);
  return `\0evh:${hash}`;
}

/** How the lock is named in messages: the way `ss -xl` shows it. */
export function lockLabel(spoolDir: string): string {
  return `@${lockAddress(spoolDir).slice(1)}`;
}

/**
 * The pid of the agent holding the spool's lock, undefined when none does;
 * the holder tells it (status asks this way). A holder that answers
 * something else is reported as `foreign`.
 */
export function runningAgentPid(spoolDir: string): Promise<number | "foreign" | undefined> {
  return askHolder(lockAddress(spoolDir));
}

/**
 * One agent per spool: binds the spool's abstract socket. Throws
 * AgentRunningError naming the holder's pid when another agent holds it,
 * LockHeldError when something that is not an evh agent holds the name.
 * Returns the release.
 */
export async function acquireInstanceLock(spoolDir: string): Promise<() => Promise<void>> {
  // Its real path names the lock: it must exist first.
  mkdirSync(spoolDir, { recursive: true, mode: 0o755 });
  const address = lockAddress(spoolDir);
  for (let attempt = 1; ; attempt++) {
    const server = net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.end(`${GREETING} ${process.pid}\n`);
    });
    try {
      await listen(server, address);
    } catch (error) {
      if (errnoCode(error) !== "EADDRINUSE") throw error;
      const holder = await askHolder(address);
      if (typeof holder === "number") throw new AgentRunningError(holder, lockLabel(spoolDir));
      if (holder === "foreign") throw new LockHeldError(lockLabel(spoolDir));
      // Gone between our bind and our question: bind again.
      if (attempt < BIND_ATTEMPTS) continue;
      throw error;
    }
    // The lock must not keep the process alive on its own.
    server.unref();
    let released: Promise<void> | undefined;
    return () => {
      released ??= new Promise((resolve) => server.close(() => resolve()));
      return released;
    };
  }
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ path: address }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function askHolder(address: string): Promise<number | "foreign" | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: address });
    let text = "";
    const finish = (value: number | "foreign" | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => finish("foreign"), ASK_TIMEOUT_MS);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > 64) finish("foreign");
    });
    socket.on("end", () => {
      const match = new RegExp(`^${GREETING} (\\d+)\\n$`).exec(text);
      finish(match ? Number(match[1]) : "foreign");
    });
    // ECONNREFUSED/ENOENT: nobody holds it.
    socket.on("error", () => finish(undefined));
  });
}
