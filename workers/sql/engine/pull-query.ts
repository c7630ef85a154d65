/**
 * Pull queries (SELECT without EMIT): a one-shot answer from the current state.
 *
 * A table's rows come from the state store of the query that materializes it when it is
 * a running aggregation (CTAS ... GROUP BY, keyed or windowed), otherwise from its topic
 * read as a changelog (latest value per key and window, tombstones delete). A stream's
 * rows are every record of its topic (ksqlDB 0.23+ stream pull queries). WHERE filters
 * the rows (key lookups, window bounds on WINDOWSTART/WINDOWEND, or any condition: a
 * table scan), then the projection and LIMIT apply.
 */
import type { ColumnRef, Query } from "../ast";
import type { StoredRecord } from "../../engine/engine-port";
import { KsqlException } from "../errors";
import { compilePredicate, type ScopeColumn } from "../expressions/evaluate";
import type { EvalContext } from "../functions/registry";
import type { DataSource } from "../metastore";
import { planProjection, type Projection } from "../planner/projection";
import { rewriteMagicTimestamps } from "../planner/magic-timestamps";
import type { KeyColumn } from "../planner/relation";
import { BadRecord, valueSerde } from "../planner/serdes";
import { physicalColumns, sourceKeySerde, sourceScope } from "../planner/source";
import { ValueAndTimestamp } from "../../streams/state/state-store";
import { Windowed } from "../../streams/windowed";
import type { Row } from "../values";
import type { ResultTable } from "./results";

export function checkPullQuery(query: Query): void {
  if (query.joins.length > 0) throw new KsqlException("Pull queries don't support JOIN clauses.", query.joins[0]!.loc);
  if (query.groupBy) throw new KsqlException("Pull queries don't support GROUP BY clauses.", query.groupBy[0]!.loc);
  if (query.window) throw new KsqlException("Pull queries don't support WINDOW clauses.", query.window.loc);
  if (query.partitionBy) throw new KsqlException("Pull queries don't support PARTITION BY clauses.", query.partitionBy[0]!.loc);
  if (query.having) throw new KsqlException("Pull queries don't support HAVING clauses.", query.having.loc);
}

function toHex(b: Uint8Array | null): string {
  if (b === null) return "";
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** The rows of a source from its topic: every record of a stream, the latest per key of a table. */
export function rowsFromTopic(ds: DataSource, records: readonly StoredRecord[]): Row[] {
  const kSerde = sourceKeySerde(ds);
  const vSerde = valueSerde(physicalColumns(ds).value, ds.valueFormat);
  const keyNames = ds.keyFromValue ? [] : ds.schema.key.map((c) => c.name);
  const table = new Map<string, Row>();
  const stream: Row[] = [];
  for (const r of records) {
    let k = kSerde.deserialize(ds.topic, r.key);
    const v = vSerde.deserialize(ds.topic, r.value) as Row | BadRecord | null;
    if (k instanceof BadRecord || v instanceof BadRecord) continue;
    const id = ds.keyFromValue && v !== null ? JSON.stringify(v[ds.keyFromValue.column] ?? null) : toHex(r.key);
    if (v === null) {
      if (ds.type === "TABLE") table.delete(id);
      continue;
    }
    const row: Row = { ...v };
    if (k instanceof Windowed) {
      row.WINDOWSTART = k.window().start();
      row.WINDOWEND = k.window().end();
      k = k.key();
    }
    if (keyNames.length === 1) row[keyNames[0]!] = k;
    else keyNames.forEach((n, i) => (row[n] = (k as unknown[] | null)?.[i] ?? null));
    row.ROWTIME = r.timestamp;
    if (ds.type === "STREAM") {
      row.ROWPARTITION = r.partition;
      row.ROWOFFSET = r.offset;
      stream.push(row);
    } else {
      table.delete(id);
      table.set(id, row);
    }
  }
  if (ds.type === "STREAM") return stream;
  return [...table.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** A materialized table's rows from its aggregation's stores (one per task). */
export function rowsFromStores(stores: readonly unknown[], m: { outputRow(key: unknown, state: unknown): Row | null }): Row[] {
  const rows: Row[] = [];
  for (const store of stores) {
    const all = (store as { all(): { toArray(): { key: unknown; value: unknown }[] } }).all().toArray();
    for (const kv of all) {
      const timestamped = kv.value instanceof ValueAndTimestamp;
      const state = timestamped ? (kv.value as ValueAndTimestamp<unknown>).value() : kv.value;
      const row = m.outputRow(kv.key, state);
      if (!row) continue;
      // ROWTIME of an aggregate row: its last update's timestamp (a session's end).
      row.ROWTIME = timestamped ? (kv.value as ValueAndTimestamp<unknown>).timestamp() : kv.key instanceof Windowed ? kv.key.window().end() : null;
      rows.push(row);
    }
  }
  return rows;
}

export interface PullPlan {
  projection: Projection;
  where: ((row: Row, ctx: EvalContext) => boolean) | undefined;
  limit: number | undefined;
}

export function planPull(query: Query, ds: DataSource, alias: string): PullPlan {
  checkPullQuery(query);
  const scope: ScopeColumn[] = sourceScope(ds, alias);
  const qualify = (r: ColumnRef) => r.source ?? alias;
  const key: KeyColumn[] = ds.schema.key.map((c) => ({ name: c.name, type: c.type, slot: c.name, text: `${alias}.${c.name}`, source: alias }));
  const projection = planProjection(query.select, {
    compile: { columns: scope },
    key,
    keyAliases: [],
    qualify,
    aliases: [alias],
    persistent: false,
    windowed: ds.window !== undefined,
    sourceColumns: [{ source: alias, columns: [...ds.schema.key, ...ds.schema.value].map((c) => c.name) }],
  });
  const where = query.where ? compilePredicate(rewriteMagicTimestamps(query.where), { columns: scope, clause: "WHERE" }) : undefined;
  return { projection, where, limit: query.limit };
}

export function answerPull(plan: PullPlan, rows: readonly Row[], ctx: EvalContext): ResultTable {
  const out: unknown[][] = [];
  for (const row of rows) {
    if (plan.where && !plan.where(row, ctx)) continue;
    const projected = plan.projection.fullRow(row, ctx);
    out.push(plan.projection.columns.map((c) => projected[c.name] ?? null));
    if (plan.limit !== undefined && out.length >= plan.limit) break;
  }
  return { columns: plan.projection.columns.map((c) => ({ name: c.name, type: c.column.type.base })), rows: out };
}
