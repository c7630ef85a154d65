/**
 * The shape of a ksqlDB source or query result (ksqlDB's LogicalSchema): key columns, then
 * value columns, each with a SQL type; plus how its topic is serialized and windowed.
 */
import { formatType, quoteIfNeeded, type SqlType } from "../types";

export interface Column {
  readonly name: string;
  readonly type: SqlType;
}

export interface LogicalSchema {
  readonly key: readonly Column[];
  readonly value: readonly Column[];
}

export type FormatName = "JSON" | "DELIMITED" | "KAFKA";

/** A key or value format with its properties (VALUE_DELIMITER, WRAP_SINGLE_VALUE). */
export interface FormatInfo {
  readonly format: FormatName;
  readonly delimiter?: string;
  readonly wrapSingleValue?: boolean;
}

export type WindowType = "TUMBLING" | "HOPPING" | "SESSION";

/** How the keys of a windowed source carry their window (ksqlDB's WindowInfo). */
export interface WindowInfo {
  readonly type: WindowType;
  /** Size of time windows (absent for session windows). */
  readonly sizeMs?: number;
  readonly advanceMs?: number;
  readonly emitFinal?: boolean;
}

export function allColumns(schema: LogicalSchema): Column[] {
  return [...schema.key, ...schema.value];
}

export function findColumn(schema: LogicalSchema, name: string): Column | undefined {
  return schema.key.find((c) => c.name === name) ?? schema.value.find((c) => c.name === name);
}

export function isKeyColumn(schema: LogicalSchema, name: string): boolean {
  return schema.key.some((c) => c.name === name);
}

/** ksqlDB's schema text: "`ID` STRING KEY, `NAME` STRING". */
export function formatSchema(schema: LogicalSchema): string {
  return [...schema.key.map((c) => `\`${c.name}\` ${formatType(c.type)} KEY`), ...schema.value.map((c) => `\`${c.name}\` ${formatType(c.type)}`)].join(", ");
}

/** Column list as it would be written in a CREATE statement: `ID STRING KEY, NAME STRING`. */
export function formatElements(schema: LogicalSchema, primaryKey: boolean): string {
  return [
    ...schema.key.map((c) => `${quoteIfNeeded(c.name)} ${formatType(c.type)} ${primaryKey ? "PRIMARY KEY" : "KEY"}`),
    ...schema.value.map((c) => `${quoteIfNeeded(c.name)} ${formatType(c.type)}`),
  ].join(", ");
}

export function windowText(w: WindowInfo): string {
  if (w.type === "SESSION") return "SESSION";
  if (w.type === "HOPPING") return `HOPPING (SIZE ${w.sizeMs} MILLISECONDS, ADVANCE BY ${w.advanceMs} MILLISECONDS)`;
  return `TUMBLING (SIZE ${w.sizeMs} MILLISECONDS)`;
}
