import { KafkaError } from "../protocol/errors";

/** Where something sits in the statement text: 1-based line and column, 0-based offsets. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

/**
 * A statement that does not parse. ksqlDB reports these as `ParseFailedException` with the
 * position first ("line 1:8: ..."); we keep the position as fields too, so the editor can
 * underline the offending token, and list what would have been accepted there.
 */
export class SqlSyntaxError extends KafkaError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The text of the token that could not be accepted, or "" at the end of the input. */
  readonly offendingToken: string;
  /** What the grammar would have accepted instead, as a person would write it. */
  readonly expected: string[];

  constructor(message: string, at: SourcePosition, offendingToken: string, expected: string[] = []) {
    super("INVALID_REQUEST", message);
    this.name = "SqlSyntaxError";
    this.message = `${at.line}:${at.column}: ${message}`;
    this.line = at.line;
    this.column = at.column;
    this.offset = at.offset;
    this.offendingToken = offendingToken;
    this.expected = expected;
  }
}

/**
 * A statement that parses but makes no sense (unknown column, wrong argument types, bad
 * property): ksqlDB's `KsqlException` / `KsqlStatementException`. The position is that of
 * the expression at fault when there is one.
 */
export class KsqlException extends KafkaError {
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, at?: { line: number; column: number }) {
    super("INVALID_REQUEST", message);
    this.name = "KsqlException";
    this.message = at ? `Line: ${at.line}, Col: ${at.column}: ${message}` : message;
    this.line = at?.line;
    this.column = at?.column;
  }
}

/**
 * A function that fails on a record (bad date pattern, invalid JSON path): ksqlDB's
 * `KsqlFunctionException`. ksqlDB logs these to the processing log and writes NULL for the
 * column; the evaluator does the same through its error hook.
 */
export class KsqlFunctionException extends KafkaError {
  constructor(message: string) {
    super("INVALID_RECORD", message);
    this.name = "KsqlFunctionException";
    this.message = message;
  }
}

/** A value that cannot be read or written in a topic's format: Kafka's SerializationException. */
export class SerializationException extends KafkaError {
  constructor(message: string) {
    super("INVALID_RECORD", message);
    this.name = "SerializationException";
    this.message = message;
  }
}
