/** Tests of user switching, ownership and the root lock need root; elsewhere they skip saying so. */
export const isRoot = process.getuid?.() === 0;
export const ROOT_ONLY = isRoot ? "" : " (skipped: needs root, as in CI)";
