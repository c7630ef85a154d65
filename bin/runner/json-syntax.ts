/**
 * Finds where a JSON text first breaks the grammar (RFC 8259), to report scenario files as
 * `file:line:column`. V8's own messages give a position for some mistakes and only a
 * snippet for others, and their wording changes between Node versions.
 */

export interface JsonSyntaxError {
  /** Offset of the offending character (the text's length for a premature end). */
  offset: number;
  message: string;
  line: number;
  column: number;
}

class Fail {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let pos = 0;

  const show = (at: number): string => (at >= text.length ? "end of input" : JSON.stringify(text[at]));
  const fail = (expected: string, at = pos): never => {
    throw new Fail(at, `unexpected ${show(at)}, expected ${expected}`);
  };
  const skipWs = (): void => {
    while (pos < text.length && WS.has(text[pos] as string)) pos++;
  };

  const string = (): void => {
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail("the closing '\"' of the string");
      const c = text[pos] as string;
      if (c === '"') {
        pos++;
        return;
      }
      if (c < " ") throw new Fail(pos, "unescaped control character in a string");
      if (c === "\\") {
        const e = text[pos + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) throw new Fail(pos, "invalid \\u escape in a string");
          pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          pos += 2;
        } else {
          throw new Fail(pos, "invalid escape in a string");
        }
      } else {
        pos++;
      }
    }
  };

  const value = (): void => {
    skipWs();
    const c = text[pos];
    if (c === "{") {
      pos++;
      skipWs();
      if (text[pos] === "}") {
        pos++;
        return;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail("a property name in double quotes");
        string();
        skipWs();
        if (text[pos] !== ":") fail("':'");
        pos++;
        value();
        skipWs();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "}") {
          pos++;
          return;
        }
        fail("',' or '}'");
      }
    }
    if (c === "[") {
      pos++;
      skipWs();
      if (text[pos] === "]") {
        pos++;
        return;
      }
      for (;;) {
        value();
        skipWs();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "]") {
          pos++;
          return;
        }
        fail("',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (number !== null && number[0] !== "-") {
      pos += number[0].length;
      return;
    }
    fail("a value");
  };

  try {
    value();
    skipWs();
    if (pos < text.length) fail("the end of input after the JSON value");
    return undefined;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const before = text.slice(0, e.offset);
    const line = before.split("\n").length;
    const column = e.offset - before.lastIndexOf("\n");
    return { offset: e.offset, message: e.message, line, column };
  }
}
