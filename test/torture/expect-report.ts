import { expect } from "vitest";
import type { TortureReport } from "../../torture/lib/index.mjs";

/**
 * A torture run passes CI when every violated guarantee is a known, reported
 * defect (torture/lib/known-defects.mjs), and every known defect tagged in
 * the run still reproduces; the report is shown when it does not.
 */
export function expectOnlyKnownViolations(report: TortureReport): void {
  const unexpected = report.unexpected.map((c) => `${c.name}${c.detail ? `: ${c.detail}` : ""}`);
  expect(unexpected, report.format()).toEqual([]);
}
