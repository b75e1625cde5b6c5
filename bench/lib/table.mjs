/** A plain-text table: columns are `[header, (row) => text, align?]`; numbers align right. */
export function table(rows, columns) {
  const cells = rows.map((row) => columns.map(([, cell]) => String(cell(row))));
  const widths = columns.map(([header], i) =>
    Math.max(header.length, ...cells.map((c) => c[i].length)),
  );
  const line = (texts) =>
    texts
      .map((t, i) =>
        i === 0 || columns[i][2] === "left" ? t.padEnd(widths[i]) : t.padStart(widths[i]),
      )
      .join("  ")
      .trimEnd();
  return [
    line(columns.map(([h]) => h)),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
  ].join("\n");
}

/** A number for a table: fixed digits, or "–" when absent. */
export function num(value, digits = 1) {
  return value === undefined || value === null || Number.isNaN(value) ? "–" : value.toFixed(digits);
}
