/**
 * "Did you mean" for every message that names a mistyped word: one edit
 * distance, two budgets. closestMatch (event names, catalogue lookups) allows
 * a fixed number of edits, fewer than the word's length, ties to the
 * alphabetically first; didYouMean (keys of evh.yaml and handler files)
 * allows one edit per three characters, ties to the first candidate given.
 * Both are pinned by the messages their tests check.
 */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of two neighbours each cost 1, so `cleint` is 1 from `client`.
 */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // Three rows suffice: the current one, the previous, and the one before for swaps.
  let before: number[] = [];
  let previous = Array.from({ length: width }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The candidate closest to `input` (case-insensitive), when it is close
 * enough to be what was meant: at most `maxDistance` edits, and fewer edits
 * than the input has characters (else any short word "matches"). Ties go to
 * the alphabetically first, so the hint is stable.
 */
export function closestMatch(
  input: string,
  candidates: Iterable<string>,
  maxDistance = 3,
): string | undefined {
  const wanted = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance > maxDistance || distance >= wanted.length) continue;
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && candidate < best.candidate)
    ) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/**
 * The candidate closest to a mistyped word, when it is close enough to be the
 * likely intent: at most one edit per three characters (at least one), an
 * adjacent swap counting as one edit, case ignored.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or the empty string. */
export function hint(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
}
