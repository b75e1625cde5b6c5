/** A place in a text for people: both 1-based, the column counted in characters. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Line and column of a UTF-16 offset. Line breaks are LF, CRLF and lone CR
 * (YAML counts all three); columns count code points, as an editor shows them.
 */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: [...text.slice(lineStart, end)].length + 1 };
}

/** `line 3 column 5` */
export function describePosition(text: string, offset: number): string {
  const { line, column } = positionAt(text, offset);
  return `line ${line} column ${column}`;
}
