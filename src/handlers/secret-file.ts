import { readRegularFile } from "../system/read-regular-file.js";
import { modeText } from "./read-handler-file.js";

/** A Standard Webhooks signing key: `whsec_` and base64 (https://www.standardwebhooks.com/). */
const KEY_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/**
 * A webhook's signing key, or why its `secret_file` cannot be used. The key
 * signs what receivers trust, so the file is held to the handler files' rule
 * and more: a regular file (no symlink another user could swap), owned by the
 * agent's user (root for a root agent) and readable by nobody else (0600 or
 * stricter). Checked on the open file and read from it, so a file swapped
 * between a check and a read is never used. Messages never hold the content.
 */
export function loadSecretKey(
  file: string,
  agentUid: number,
): { key: string } | { problem: string } {
  const read = readRegularFile(file, { maxBytes: 4096 });
  if ("problem" in read) {
    return {
      problem:
        read.problem === "is a link" || read.problem === "is not a regular file"
          ? `secret_file ${file} must be a regular file, not a link or folder`
          : `secret_file ${file} ${read.problem}`,
    };
  }
  const { stats } = read;
  if (stats.uid !== agentUid) {
    const owner = agentUid === 0 ? "root" : `uid ${agentUid}`;
    return {
      problem: `secret_file ${file} is owned by uid ${stats.uid}, not ${owner} (fix: chown ${owner === "root" ? "root" : agentUid} ${file})`,
    };
  }
  if ((stats.mode & 0o077) !== 0) {
    return {
      problem: `secret_file ${file} can be read or written by group or others (mode ${modeText(stats)}) (fix: chmod 600 ${file})`,
    };
  }
  const key = read.text.trim();
  return KEY_PATTERN.test(key)
    ? { key }
    : { problem: `secret_file ${file} must hold one whsec_<base64> key` };
}

/** Why a webhook's `secret_file` cannot be used, or undefined (the loader's check). */
export function secretFileProblem(file: string, agentUid: number): string | undefined {
  const loaded = loadSecretKey(file, agentUid);
  return "problem" in loaded ? loaded.problem : undefined;
}

/**
 * A webhook's `ca_file` as PEM text, or why it cannot be used. A link is
 * followed (/etc/ssl/certs is made of them), but nothing that is not a
 * regular file is read, and opening never blocks.
 */
export function readCaFile(file: string): { pem: string } | { problem: string } {
  const read = readRegularFile(file, { maxBytes: 1024 * 1024, followLinks: true });
  if ("problem" in read) return { problem: `${file} ${read.problem}` };
  return read.text.includes("-----BEGIN CERTIFICATE-----")
    ? { pem: read.text }
    : { problem: `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
}

/** Why a webhook's `ca_file` cannot be used, or undefined: it must be a readable PEM file. */
export function caFileProblem(file: string): string | undefined {
  const read = readCaFile(file);
  return "problem" in read ? read.problem : undefined;
}
