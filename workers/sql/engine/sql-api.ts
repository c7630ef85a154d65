/**
 * The SQL surface the workbench reaches through the engine API: everything it returns is
 * plain data (it crosses the worker boundary): DECIMAL values as numbers, MAPs as objects,
 * BYTES as base64 text. Push queries are followed by id: the editor's result grid asks
 * for the rows after the last one it has.
 */
import type { Engine } from "../../engine/engine";
import { Decimal } from "../decimal";
import type { Row } from "../values";
import type { ProcessingLogEntry } from "../planner/context";
import type { PushQueryState, ResultColumn, SqlStatementError, StatementInfo } from "./results";
import { sqlKeywords } from "../lexer";
import { SqlEngine } from "./sql-engine";

export type PlainValue = null | boolean | number | string | PlainValue[] | { [k: string]: PlainValue };

export interface SqlResultView {
  statement: StatementInfo;
  message?: string;
  queryId?: string;
  table?: { columns: ResultColumn[]; rows: PlainValue[][] };
  text?: string;
  /** Set for a push query that keeps running: follow it with pushQueryRows. */
  pushQueryId?: string;
  /** EXPLAIN of a running query: the application whose topology the workbench shows. */
  explain?: { queryId: string; applicationId: string };
}

export interface SqlExecutionView {
  results: SqlResultView[];
  error?: SqlStatementError;
}

export interface PushRowsView {
  columns: ResultColumn[];
  /** Rows from `from` on. */
  rows: PlainValue[][];
  /** Index of the next row to ask for. */
  next: number;
  state: PushQueryState;
}

function toBase64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export function plain(v: unknown): PlainValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Decimal) return v.toNumber();
  if (v instanceof Uint8Array) return toBase64(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) {
    const o: Record<string, PlainValue> = {};
    for (const [k, x] of v) o[String(k)] = plain(x);
    return o;
  }
  if (typeof v === "object") {
    const o: Record<string, PlainValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = plain(x);
    return o;
  }
  return String(v);
}

function rowCells(row: Row, columns: readonly ResultColumn[]): PlainValue[] {
  return columns.map((c) => plain(row[c.name]));
}

/** Runs statements; push queries keep running and are returned by id. */
export async function executeSqlForWorkbench(engine: Engine, text: string): Promise<SqlExecutionView> {
  const sql = await SqlEngine.attach(engine);
  const execution = await sql.execute(text, { push: "keep" });
  const results = execution.results.map((r): SqlResultView => {
    const view: SqlResultView = { statement: r.statement };
    if (r.message !== undefined) view.message = r.message;
    if (r.queryId !== undefined) view.queryId = r.queryId;
    if (r.text !== undefined) view.text = r.text;
    if (r.table) view.table = { columns: r.table.columns, rows: r.table.rows.map((row) => row.map(plain)) };
    if (r.push) view.pushQueryId = r.push.id;
    if (r.explain) view.explain = r.explain;
    return view;
  });
  return { results, ...(execution.error ? { error: execution.error } : {}) };
}

export async function pushQueryRows(engine: Engine, id: string, from = 0): Promise<PushRowsView> {
  const sql = await SqlEngine.attach(engine);
  const q = sql.pushQuery(id);
  await sql.reapPushQueries();
  if (!q) return { columns: [], rows: [], next: from, state: "DONE" };
  const rows = q.rows();
  return { columns: q.columns, rows: rows.slice(from).map((r) => rowCells(r, q.columns)), next: rows.length, state: q.state() };
}

export async function cancelPushQuery(engine: Engine, id: string): Promise<void> {
  const sql = await SqlEngine.attach(engine);
  await sql.pushQuery(id)?.cancel();
}

export interface SqlCatalog {
  /** The language's keywords (highlighting and completion). */
  keywords: string[];
  sources: { name: string; type: "STREAM" | "TABLE"; topic: string; columns: { name: string; type: string; key: boolean }[] }[];
  functions: string[];
  queries: { id: string; statement: string; sink: string; sources: string[]; applicationId: string; state: string }[];
  /** The most recent records queries could not process. */
  processingLog: ProcessingLogEntry[];
}

/** Streams, tables, columns and functions for the editor's completion, and the running queries. */
export async function sqlCatalog(engine: Engine): Promise<SqlCatalog> {
  const sql = await SqlEngine.attach(engine);
  const { sources, functions } = sql.completions();
  return { keywords: sqlKeywords(), sources, functions, queries: sql.queries(), processingLog: sql.processingLog().slice(-200) };
}
