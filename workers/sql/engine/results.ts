/**
 * What executing statements returns: per statement its message, table or text (rendered
 * the way ksqlDB's CLI prints it, and structured for the workbench), or where and why it
 * failed. Positions are 1-based line and column within the text that was executed.
 */
import type { Statement } from "../ast";
import type { Row } from "../values";

export interface StatementInfo {
  /** 1-based number of the statement within the executed text. */
  index: number;
  /** The statement's text as written (without the `;`). */
  text: string;
  kind: Statement["kind"] | "Unparsed";
  line: number;
  column: number;
}

export interface ResultColumn {
  name: string;
  /** SQL type as ksqlDB prints it, when known. */
  type?: string;
}

export interface ResultTable {
  columns: ResultColumn[];
  rows: unknown[][];
}

export interface SqlStatementResult {
  statement: StatementInfo;
  /** The CLI's message: "Stream created", "Created query with ID CSAS_X_1", ... */
  message?: string;
  queryId?: string;
  /** Rows of SHOW, DESCRIBE, pull queries and finished push queries. */
  table?: ResultTable;
  /** The result as the CLI prints it (tables drawn with `|` and `-`, PRINT lines, EXPLAIN). */
  text?: string;
  /** A push query left running (workbench sessions); its rows arrive through the handle. */
  push?: PushQueryHandle;
  /** EXPLAIN of a running query: the application that runs it (the workbench opens its topology). */
  explain?: { queryId: string; applicationId: string };
}

export interface SqlStatementError {
  statement: StatementInfo;
  line: number;
  column: number;
  /** Without the position. */
  message: string;
  /** "syntax" for text that does not parse, "statement" for everything else. */
  kind: "syntax" | "statement";
}

export interface SqlExecution {
  results: SqlStatementResult[];
  /** The first statement that failed; the statements after it did not run. */
  error?: SqlStatementError;
}

export type PushQueryState = "RUNNING" | "DONE" | "CANCELLED" | "ERROR";

/** A transient push query (SELECT ... EMIT CHANGES) as the workbench's result grid follows it. */
export interface PushQueryHandle {
  readonly id: string;
  readonly columns: ResultColumn[];
  state(): PushQueryState;
  /** Rows received so far (at most the query's LIMIT). */
  rows(): Row[];
  /** Called for every new row, and once more with `done` when the query ends. */
  subscribe(listener: (event: { row?: Row; done?: PushQueryState }) => void): () => void;
  cancel(): Promise<void>;
  /** Rows received so far, then each new one, until the query ends. */
  [Symbol.asyncIterator](): AsyncIterator<Row>;
}
