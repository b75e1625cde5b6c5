import { lstatSync, readFileSync, type Stats } from "node:fs";
import { modeText } from "./read-handler-file.js";

/** A Standard Webhooks signing key: `whsec_` and base64 (https://www.standardwebhooks.com/). */
const KEY_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/**
 * Why a webhook's `secret_file` cannot be used, or undefined. The key signs
 * what receivers trust, so the file is held to the handler files' rule and
 * more: a regular file (no symlink another user could swap), owned by the
 * agent's user (root for a root agent) and readable by nobody else (0600 or
 * stricter). The message never contains the file's content.
 */
export function secretFileProblem(file: string, agentUid: number): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return `secret_file ${file} cannot be read (${code})`;
  }
  if (!stats.isFile()) return `secret_file ${file} must be a regular file, not a link or folder`;
  if (stats.uid !== agentUid) {
    const owner = agentUid === 0 ? "root" : `uid ${agentUid}`;
    return `secret_file ${file} is owned by uid ${stats.uid}, not ${owner} (fix: chown ${owner === "root" ? "root" : agentUid} ${file})`;
  }
  if ((stats.mode & 0o077) !== 0) {
    return `secret_file ${file} can be read or written by group or others (mode ${modeText(stats)}) (fix: chmod 600 ${file})`;
  }
  return readSecretKey(file) === undefined
    ? `secret_file ${file} must hold one whsec_<base64> key`
    : undefined;
}

/** The key in the file, or undefined when it holds no well-formed key. */
export function readSecretKey(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
  return KEY_PATTERN.test(text) ? text : undefined;
}

/** Why a webhook's `ca_file` cannot be used, or undefined: it must be a readable PEM file. */
export function caFileProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`;
  }
  return text.includes("-----BEGIN CERTIFICATE-----")
    ? undefined
    : `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
}
