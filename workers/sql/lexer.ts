/**
 * Tokens of ksqlDB's SQL (its `SqlBase.g4` lexer): case-insensitive keywords, some of them
 * "non-reserved" (usable as identifiers, e.g. a column named KEY or DAY), quoted and
 * backquoted identifiers, string literals with '' escaping, three kinds of number
 * (integer, decimal `1.5`, floating point `1.5E3`), operators and comments.
 */
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import { SqlSyntaxError } from "./errors";

/** Identifier-like words that are not keywords. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_@]*/, label: "an identifier" });

/** Keywords that the grammar also accepts wherever an identifier is expected. */
export const NonReserved = createToken({ name: "NonReserved", pattern: Lexer.NA, label: "an identifier" });
/** MILLISECOND(S) … DAY(S). */
export const TimeUnitToken = createToken({ name: "TimeUnit", pattern: Lexer.NA, label: "a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)" });

const NON_RESERVED = new Set([
  "SHOW", "TABLES", "FUNCTIONS", "FUNCTION", "SESSION", "STRUCT", "MAP", "ARRAY", "PARTITION", "INTERVAL",
  "DAY", "HOUR", "MINUTE", "SECOND", "EXPLAIN", "SET", "IF", "SOURCE", "PRIMARY", "KEY", "EMIT", "CHANGES",
  "FINAL", "ESCAPE", "REPLACE", "HEADER", "HEADERS", "GRACE", "PERIOD",
]);

const TIME_UNITS = new Set([
  "MILLISECOND", "MILLISECONDS", "SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS",
]);

const KEYWORD_WORDS = [
  "SELECT", "FROM", "AS", "WHERE", "WITHIN", "WINDOW", "GROUP", "BY", "HAVING", "LIMIT", "OR", "AND", "IN", "NOT",
  "BETWEEN", "LIKE", "IS", "NULL", "TRUE", "FALSE", "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END", "JOIN",
  "FULL", "OUTER", "INNER", "LEFT", "RIGHT", "ON", "WITH", "VALUES", "CREATE", "TABLE", "STREAM", "STREAMS",
  "INSERT", "INTO", "DELETE", "TOPIC", "TOPICS", "DESCRIBE", "EXTENDED", "PRINT", "CAST", "LIST", "QUERIES",
  "TERMINATE", "DROP", "TUMBLING", "HOPPING", "SIZE", "ADVANCE", "RETENTION", "DECIMAL", "BEGINNING", "UNSET",
  "PROPERTIES", "SAMPLE", "ALL", "EXISTS",
  ...NON_RESERVED,
  ...TIME_UNITS,
];

/** Every keyword of the language, for the editor's highlighting and completion. */
export function sqlKeywords(): string[] {
  return [...new Set(KEYWORD_WORDS)].sort();
}

/** Keyword token types by upper-case word. */
export const Keywords: Record<string, TokenType> = {};
for (const word of [...new Set(KEYWORD_WORDS)]) {
  const categories: TokenType[] = [];
  if (NON_RESERVED.has(word)) categories.push(NonReserved);
  if (TIME_UNITS.has(word)) categories.push(TimeUnitToken);
  Keywords[word] = createToken({
    name: word,
    pattern: new RegExp(word, "i"),
    longer_alt: Identifier,
    categories,
    label: word,
  });
}

export function kw(word: string): TokenType {
  const t = Keywords[word];
  if (!t) throw new Error(`no keyword token ${word}`);
  return t;
}

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: "LineComment", pattern: /--[^\r\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

export const StringLiteral = createToken({ name: "StringLiteral", pattern: /'(?:[^']|'')*'/, label: "a string", line_breaks: true });
export const QuotedIdentifier = createToken({ name: "QuotedIdentifier", pattern: /"(?:[^"]|"")*"/, label: "an identifier", line_breaks: true });
export const BackQuotedIdentifier = createToken({ name: "BackQuotedIdentifier", pattern: /`(?:[^`]|``)*`/, label: "an identifier", line_breaks: true });

export const FloatLiteral = createToken({ name: "FloatLiteral", pattern: /(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+/, label: "a number" });
export const DecimalLiteral = createToken({ name: "DecimalLiteral", pattern: /\d+\.\d*|\.\d+/, label: "a number" });
/** `1abc`: ksqlDB's DIGIT_IDENTIFIER, an unquoted identifier starting with a digit. */
export const DigitIdentifier = createToken({ name: "DigitIdentifier", pattern: /\d+[A-Za-z_@][A-Za-z0-9_@]*/, label: "an identifier" });
export const IntegerLiteral = createToken({ name: "IntegerLiteral", pattern: /\d+/, label: "a number" });

export const Assign = createToken({ name: "Assign", pattern: /:=/, label: "':='" });
export const Arrow = createToken({ name: "Arrow", pattern: /->/, label: "'->'" });
export const Concat = createToken({ name: "Concat", pattern: /\|\|/, label: "'||'" });
export const NotEquals = createToken({ name: "NotEquals", pattern: /<>|!=/, label: "'<>'" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "'>'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "'%'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLiteral,
  QuotedIdentifier,
  BackQuotedIdentifier,
  FloatLiteral,
  DecimalLiteral,
  DigitIdentifier,
  IntegerLiteral,
  Assign,
  Arrow,
  Concat,
  NotEquals,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  NonReserved,
  TimeUnitToken,
  // Longer keywords first so that e.g. SECONDS is not read as SECOND + "S".
  ...Object.values(Keywords).sort((a, b) => String(b.name).length - String(a.name).length),
  Identifier,
];

let lexer: Lexer | undefined;

function sqlLexer(): Lexer {
  lexer ??= new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
  return lexer;
}

/** Line and column (1-based) of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number; offset: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

const TYPOGRAPHIC_QUOTES: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201C": '"',
  "\u201D": '"',
};

/** Splits SQL text into tokens; throws {@link SqlSyntaxError} at the first character no token matches. */
export function tokenize(text: string): IToken[] {
  const result = sqlLexer().tokenize(text);
  const first = result.errors[0];
  if (first) {
    const at = positionAt(text, first.offset);
    const ch = text[first.offset] ?? "";
    let message: string;
    if (ch === "'") message = "unterminated string literal: missing closing '";
    else if (ch === '"' || ch === "`") message = `unterminated quoted identifier: missing closing ${ch}`;
    else if (text.startsWith("/*", first.offset)) message = "unterminated comment: missing closing */";
    else if (TYPOGRAPHIC_QUOTES[ch]) {
      message = `unexpected '${ch}': typographic quotes are not SQL quotes, use ${TYPOGRAPHIC_QUOTES[ch]} instead`;
    } else message = `unexpected character '${ch}'`;
    throw new SqlSyntaxError(message, at, ch);
  }
  return result.tokens;
}
