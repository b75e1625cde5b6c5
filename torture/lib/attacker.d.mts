// Types of torture/lib/attacker.mjs, for test/torture/attacker.test.ts.
import type { CommonOptions, TortureReport } from "./index.mjs";

export interface AttackerOptions extends CommonOptions {
  /** Events sent while the handler's user swaps its program or its cwd. */
  readonly raceEvents?: number;
  /** How long the handler's user swaps, in ms. */
  readonly swapMs?: number;
  /** Run only the attacks whose id starts with this. */
  readonly only?: string;
}
export interface Attack {
  readonly id: string;
  readonly who: string;
  readonly findings: readonly number[];
  readonly title: string;
}
export const ATTACKS: readonly Attack[];
export const ATTACKER_DEFAULTS: Required<AttackerOptions>;
export function runAttacker(options?: AttackerOptions): Promise<TortureReport>;
