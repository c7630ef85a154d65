/**
 * Entry points of the SQL front end: text in, typed statements out, or one
 * {@link SqlSyntaxError} at the first place the text stops making sense, naming what would
 * have been accepted there ("1:8: unexpected 'SELEKT', expected one of ...").
 */
import { EOF, tokenMatcher, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import type { Expression, Loc, Statement } from "./ast";
import { SqlSyntaxError } from "./errors";
import { isIdentifierToken, ksqlParser, type KsqlParser } from "./grammar";
import { Identifier, Keywords, Semicolon, tokenize } from "./lexer";
import { validateStatement } from "./validate";
import type { SqlType } from "./types";

export interface ParsedStatements {
  statements: Statement[];
}

/** Parses `;`-separated statements; comments and empty statements are skipped. */
export function parseStatements(text: string): ParsedStatements {
  const tokens = tokenize(text);
  const statements: Statement[] = [];
  let chunk: IToken[] = [];
  for (const t of tokens) {
    if (tokenMatcher(t, Semicolon)) {
      if (chunk.length > 0) statements.push(parseOne(text, chunk, t));
      chunk = [];
    } else {
      chunk.push(t);
    }
  }
  if (chunk.length > 0) statements.push(parseOne(text, chunk, undefined));
  return { statements };
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseStatement(text: string): Statement {
  const { statements } = parseStatements(text);
  if (statements.length !== 1) {
    const second = statements[1];
    if (second) throw new SqlSyntaxError("expected a single statement", second.loc, second.text.split(/\s/)[0] ?? "", []);
    throw new SqlSyntaxError("expected a statement", { line: 1, column: 1, offset: 0 }, "", []);
  }
  return statements[0]!;
}

/** Parses a lone expression, e.g. for a filter typed into the workbench. */
export function parseExpression(text: string): Expression {
  return parseRule(text, (p) => p.expression(), "expression");
}

/** Parses a type such as `STRUCT<A INT, B ARRAY<STRING>>`. */
export function parseType(text: string): SqlType {
  return parseRule(text, (p) => p.type(), "type");
}

function parseRule<T>(text: string, rule: (p: KsqlParser) => T, ruleName: string): T {
  const tokens = tokenize(text);
  const parser = ksqlParser();
  parser.input = tokens;
  const result = rule(parser);
  const error = parser.errors[0];
  if (error) throw syntaxError(text, tokens, error, ruleName, undefined);
  return result;
}

function parseOne(text: string, chunk: IToken[], terminator: IToken | undefined): Statement {
  const parser = ksqlParser();
  parser.input = chunk;
  const statement = parser.statement();
  const error = parser.errors[0];
  if (error) throw syntaxError(text, chunk, error, "statement", terminator);
  const first = chunk[0]!;
  const last = chunk[chunk.length - 1]!;
  const loc: Loc = {
    line: first.startLine ?? 1,
    column: first.startColumn ?? 1,
    offset: first.startOffset,
    end: (last.endOffset ?? last.startOffset) + 1,
  };
  const withText = { ...statement, text: text.slice(loc.offset, loc.end), loc } as Statement;
  if (withText.kind === "Explain" && withText.statement) {
    const inner = withText.statement;
    withText.statement = { ...inner, text: text.slice(inner.loc.offset, loc.end) } as Statement;
  }
  validateStatement(withText);
  return withText;
}

// -----------------------------------------------------------------------------------------
// Errors

/** Tokens that can start an expression: listed as one "an expression" instead of a dozen. */
const EXPRESSION_STARTS = new Set([
  "an identifier",
  "a number",
  "a string",
  "NULL",
  "TRUE",
  "FALSE",
  "CASE",
  "CAST",
  "ARRAY",
  "MAP",
  "STRUCT",
  "NOT",
  "'('",
  "'-'",
  "'+'",
]);

function label(type: TokenType, statementEnd: string): string {
  if (type === EOF) return statementEnd;
  return type.LABEL ?? type.name;
}

function expectedAfter(ruleName: string, preceding: IToken[], statementEnd: string): { types: TokenType[]; labels: string[] } {
  const parser = ksqlParser();
  let paths;
  try {
    paths = parser.computeContentAssist(ruleName, preceding);
  } catch {
    return { types: [], labels: [] };
  }
  const types: TokenType[] = [];
  for (const p of paths) if (!types.includes(p.nextTokenType)) types.push(p.nextTokenType);
  let labels = [...new Set(types.map((t) => label(t, statementEnd)))];
  const canStartExpression = labels.includes("an identifier") && labels.includes("a number") && labels.includes("a string");
  if (canStartExpression) labels = ["an expression", ...labels.filter((l) => !EXPRESSION_STARTS.has(l))];
  // What to write next reads best as: the kind of thing, then keywords, then punctuation.
  const rank = (l: string) => (l.startsWith("a") && l.includes(" ") ? 0 : /^[A-Z]/.test(l) ? 1 : 2);
  labels = labels.map((l, i) => ({ l, i })).sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i).map((x) => x.l);
  return { types, labels };
}

/** Whether `t` is something the grammar could take after `preceding` (content assist ignores gates). */
function accepts(types: TokenType[], t: IToken): boolean {
  return types.some((type) => type !== EOF && tokenMatcher(t, type));
}

function editDistance(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

function suggestion(offending: IToken, labels: string[]): string | undefined {
  if (!tokenMatcher(offending, Identifier)) return undefined;
  const word = offending.image.toUpperCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const l of labels) {
    if (!/^[A-Z]+$/.test(l)) continue;
    const d = editDistance(word, l);
    if (d < bestDistance || (d === bestDistance && best === undefined && d <= Math.floor(l.length / 3))) {
      if (d <= 2 && d < l.length) {
        best = l;
        bestDistance = d;
      }
    }
  }
  return best;
}

function syntaxError(text: string, tokens: IToken[], error: IRecognitionException, ruleName: string, terminator: IToken | undefined): SqlSyntaxError {
  if (error instanceof SqlSyntaxError) return error;
  const statementEnd = ruleName === "statement" ? "';'" : "end of input";
  let index = tokens.indexOf(error.token);
  if (index < 0) index = tokens.length;
  let expected = expectedAfter(ruleName, tokens.slice(0, index), statementEnd);
  // The parser decides between alternatives on a few tokens of lookahead, so it may report an
  // earlier token than the one that really breaks the statement: walk forward while the
  // grammar still accepts what follows.
  for (let guard = 0; guard < 16 && index < tokens.length && accepts(expected.types, tokens[index]!); guard++) {
    index++;
    expected = expectedAfter(ruleName, tokens.slice(0, index), statementEnd);
  }
  const offending = tokens[index];
  let at: { line: number; column: number; offset: number };
  let shown: string;
  if (offending) {
    at = { line: offending.startLine ?? 1, column: offending.startColumn ?? 1, offset: offending.startOffset };
    shown = offending.image;
  } else {
    const last = tokens[tokens.length - 1];
    const offset = terminator ? terminator.startOffset : last ? (last.endOffset ?? last.startOffset) + 1 : text.length;
    at = positionOf(text, offset);
    shown = "";
  }
  let labels = expected.labels;
  if (ruleName === "statement" && index > 0 && !labels.includes(statementEnd) && parsesAlone(tokens.slice(0, index))) {
    labels = [...labels, statementEnd];
  }
  let message = offending ? `unexpected '${shown}'` : "unexpected end of statement";
  if (labels.length === 1) message += `, expected ${labels[0]}`;
  else if (labels.length > 1) message += `, expected one of ${labels.slice(0, 16).join(", ")}${labels.length > 16 ? ", …" : ""}`;
  if (offending) {
    const guess = suggestion(offending, labels);
    if (guess) message += `; did you mean ${guess}?`;
    else if (reservedWordUsedAsName(offending, labels)) {
      const word = offending.image.toUpperCase();
      message += `; ${word} is a reserved word, quote it as \`${word}\` to use it as a name`;
    }
  }
  return new SqlSyntaxError(message, at, shown, labels);
}

function parsesAlone(tokens: IToken[]): boolean {
  const parser = ksqlParser();
  parser.input = tokens;
  try {
    parser.statement();
  } catch {
    return false;
  }
  return parser.errors.length === 0;
}

/** Words that mostly start a clause: after them a missing name is likelier than a misused keyword. */
const CLAUSE_WORDS = new Set([
  "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "WINDOW", "EMIT", "LIMIT", "JOIN", "LEFT", "RIGHT", "FULL",
  "INNER", "OUTER", "ON", "AS", "WITH", "AND", "OR", "NOT", "WITHIN", "THEN", "ELSE", "END", "WHEN", "VALUES", "INTO",
]);

function reservedWordUsedAsName(t: IToken, labels: string[]): boolean {
  const word = t.image.toUpperCase();
  if (isIdentifierToken(t) || Keywords[word] !== t.tokenType) return false;
  if (labels.length === 1 && labels[0] === "an identifier") return true;
  return labels.includes("an expression") && !CLAUSE_WORDS.has(word);
}

function positionOf(text: string, offset: number): { line: number; column: number; offset: number } {
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
