/**
 * INSERT INTO source [(columns)] VALUES (...): one record, key and value serialized in the
 * source's formats, partitioned by Kafka's default partitioner on the key bytes. Without a
 * column list the values go to the key columns, then the value columns, in order;
 * ROWTIME sets the record's timestamp (default: now on the engine clock). Values must be
 * constants of the column's type or one that converts to it implicitly.
 */
import type { InsertValues } from "../ast";
import { KsqlException } from "../errors";
import { castFunction } from "../expressions/cast";
import { compileExpression } from "../expressions/evaluate";
import { formatExpression } from "../expressions/format-expression";
import type { EvalContext } from "../functions/registry";
import type { DataSource } from "../metastore";
import { keySerde, valueSerde } from "../planner/serdes";
import { physicalColumns } from "../planner/source";
import { canImplicitlyCast, formatType, SqlTypes, type SqlType } from "../types";
import type { Row } from "../values";

export interface InsertRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp: number;
}

export function buildInsert(stmt: InsertValues, ds: DataSource, ctx: EvalContext, now: number): InsertRecord {
  if (ds.isSource) throw new KsqlException(`Cannot insert values into read-only ${ds.type === "STREAM" ? "stream" : "table"}: ${ds.name}`, stmt.targetLoc);
  if (ds.window) throw new KsqlException(`Cannot insert values into windowed ${ds.type === "STREAM" ? "stream" : "table"}: ${ds.name}`, stmt.targetLoc);
  const all = [...ds.schema.key, ...ds.schema.value];
  const names = stmt.columns ?? all.map((c) => c.name);
  if (names.length !== stmt.values.length) {
    throw new KsqlException(`Expected a value for each column. Expected Columns: [${names.join(", ")}]. Got [${stmt.values.map(formatExpression).join(", ")}]`, stmt.loc);
  }
  const row: Row = {};
  let timestamp = now;
  names.forEach((name, i) => {
    const expr = stmt.values[i]!;
    const target: SqlType | undefined = name === "ROWTIME" ? SqlTypes.BIGINT : all.find((c) => c.name === name)?.type;
    if (!target) throw new KsqlException(`Column name ${name} does not exist.`, expr.loc);
    const compiled = compileExpression(expr, { columns: [], clause: "VALUES" });
    let v = compiled.evaluateStrict({}, ctx);
    if (v !== null && compiled.type.base !== target.base) {
      if (!canImplicitlyCast(compiled.type.base, target.base) && !(compiled.type.base === "STRING" && target.base !== "BOOLEAN")) {
        throw new KsqlException(`Expected type ${formatType(target)} for field ${name} but got ${formatType(compiled.type)}(${formatExpression(expr)})`, expr.loc);
      }
      try {
        v = castFunction(compiled.type, target)(v);
      } catch {
        throw new KsqlException(`Expected type ${formatType(target)} for field ${name} but got ${formatType(compiled.type)}(${formatExpression(expr)})`, expr.loc);
      }
    }
    if (name === "ROWTIME") {
      if (typeof v !== "number" || v < 0) throw new KsqlException(`ROWTIME must be a non-negative BIGINT, got ${String(v)}`, expr.loc);
      timestamp = v;
    } else row[name] = v;
  });
  const physical = physicalColumns(ds);
  const keyColumns = physical.key;
  let key: Uint8Array | null = null;
  if (keyColumns.length > 0) {
    const k = keyColumns.length === 1 ? (row[keyColumns[0]!.name] ?? null) : keyColumns.map((c) => row[c.name] ?? null);
    key = keySerde(keyColumns, ds.keyFormat).serialize(ds.topic, k);
  } else if (ds.keyFromValue) {
    const k = row[ds.keyFromValue.column] ?? null;
    key = k === null ? null : new TextEncoder().encode(String(k));
  }
  if (ds.type === "TABLE" && key === null) throw new KsqlException(`Value for primary key column(s) ${ds.schema.key.map((c) => c.name).join(", ")} is required for tables`, stmt.loc);
  const value = valueSerde(physical.value, ds.valueFormat).serialize(ds.topic, row);
  return { key, value, timestamp };
}
