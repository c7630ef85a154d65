/**
 * What the planner holds between steps: a KStream or KTable of rows, the columns an
 * expression may reference in those rows, and which of them make up the record key.
 *
 * Rows are plain objects keyed by column *slot*. Over a single source a slot is the column
 * name; after a join every column is renamed `<ALIAS>_<NAME>` (ksqlDB's PrependAlias step),
 * so both sides can sit in one object. Key columns are copied into the row when it is read,
 * so expressions never look at the record key; the record key itself is the single key
 * column's value, an array of values for several, or null when there is none.
 */
import type { KStream } from "../../streams/kstream";
import type { KTable } from "../../streams/ktable";
import type { ScopeColumn } from "../expressions/evaluate";
import type { DataSource } from "../metastore";
import type { SqlType } from "../types";
import type { Row } from "../values";
import type { FormatInfo, WindowInfo } from "./schema";

export interface KeyColumn {
  name: string;
  type: SqlType;
  /** Where the row holds the key's value. */
  slot: string;
  /**
   * The expression text (canonical) this key was computed from; for source key columns the
   * qualified column itself. Select items with the same text are this key.
   */
  text: string;
  /** For source key columns: the alias of the source it belongs to. */
  source?: string;
  /** A key the join criteria made up (ksqlDB's synthetic ROWKEY). */
  synthetic?: boolean;
}

export interface Relation {
  kind: "stream" | "table";
  stream?: KStream<unknown, unknown>;
  table?: KTable<unknown, unknown>;
  /** Columns expressions may reference, pseudo columns included. */
  scope: ScopeColumn[];
  key: KeyColumn[];
  /** Other key expressions that denote the same key (the other side of an equi-join). */
  keyAliases: string[][];
  window?: WindowInfo;
  keyFormat: FormatInfo;
  valueFormat: FormatInfo;
  /** Sources read, by alias. */
  sources: { alias: string; source: DataSource }[];
  /**
   * Set when the values are not rows yet (an aggregation's states): how to read one as a
   * row. The projection applies it in the same step, saving a table hop per update.
   */
  rowOf?: (key: unknown, value: unknown) => Row | null;
}

export function streamOf(r: Relation): KStream<unknown, unknown> {
  if (!r.stream) throw new Error("relation is not a stream");
  return r.stream;
}

export function tableOf(r: Relation): KTable<unknown, unknown> {
  if (!r.table) throw new Error("relation is not a table");
  return r.table;
}

/** Reads the record key from a row (for re-keying after rows were rebuilt). */
export function keyFromRow(key: readonly KeyColumn[]): (row: Record<string, unknown>) => unknown {
  if (key.length === 0) return () => null;
  if (key.length === 1) {
    const slot = key[0]!.slot;
    return (row) => row[slot] ?? null;
  }
  const slots = key.map((k) => k.slot);
  return (row) => slots.map((s) => row[s] ?? null);
}
