/**
 * Where each statement of a text starts and ends, found without parsing (`;` outside
 * strings, quoted names and comments), so that an error can name the statement it is in
 * even when the text does not parse.
 */
export interface StatementSpan {
  /** Offset of the statement's first character (after blanks and comments). */
  start: number;
  /** Offset just past its last character before the `;`. */
  end: number;
  line: number;
  column: number;
}

export function statementSpans(text: string): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let start = -1;
  let lastSignificant = -1;
  const close = () => {
    if (start >= 0) spans.push({ start, end: lastSignificant + 1, ...lineColumn(text, start) });
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "-" && text[i + 1] === "-") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const endAt = text.indexOf("*/", i + 2);
      i = endAt < 0 ? text.length : endAt + 1;
      continue;
    }
    if (c === ";") {
      close();
      continue;
    }
    if (/\s/.test(c)) continue;
    if (start < 0) start = i;
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === c) {
          if (text[j + 1] === c) j++;
          else break;
        }
      }
      i = Math.min(j, text.length - 1);
    }
    lastSignificant = i;
  }
  close();
  return spans;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The 1-based number of the statement holding `offset` (the last one before it, if between statements). */
export function statementAt(spans: readonly StatementSpan[], offset: number): number {
  let n = 0;
  for (let i = 0; i < spans.length; i++) {
    if (spans[i]!.start <= offset) n = i + 1;
  }
  return Math.max(1, n);
}

/** The statement's first words, as error messages name it: `CREATE STREAM big_orders …`. */
export function firstWords(statementText: string, words = 3): string {
  const parts = statementText.trim().split(/\s+/);
  const head = parts.slice(0, words).join(" ").replace(/\($/, "");
  return parts.length > words ? `${head} …` : head;
}
