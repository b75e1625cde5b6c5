import { EventDecodeError } from "../../src/errors/evh-error.js";

/** The `reason` of the EventDecodeError that `fn` throws; fails the test if it throws none. */
export function reasonOf(fn: () => unknown): string {
  return decodeErrorOf(fn).reason;
}

/** The EventDecodeError that `fn` throws. */
export function decodeErrorOf(fn: () => unknown): EventDecodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EventDecodeError) return error;
    throw error;
  }
  throw new Error("expected an EventDecodeError, but nothing was thrown");
}

/** UTF-16BE bytes of `text` (Node has no BE codec: swap each LE pair). */
export function utf16be(text: string): Buffer {
  return Buffer.from(text, "utf16le").swap16();
}

export const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);
export const BOM_UTF16LE = Buffer.from([0xff, 0xfe]);
export const BOM_UTF16BE = Buffer.from([0xfe, 0xff]);
