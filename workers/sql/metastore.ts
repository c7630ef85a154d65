/**
 * ksqlDB's metastore: the streams and tables that exist (schema, key columns, topic,
 * formats, timestamp column, windowing) and the persistent queries that read and write
 * them. Statements are checked against a copy and the copy replaces the original only
 * when the statement succeeds, so a failing statement leaves nothing behind.
 */
import { KsqlException } from "./errors";
import type { FormatInfo, LogicalSchema, WindowInfo } from "./planner/schema";
import { formatType, type SqlType } from "./types";

export type DataSourceType = "STREAM" | "TABLE";

export interface TimestampColumn {
  readonly column: string;
  /** TIMESTAMP_FORMAT: a java.time pattern for a STRING column. */
  readonly format?: string;
}

export interface DataSource {
  readonly name: string;
  readonly type: DataSourceType;
  readonly schema: LogicalSchema;
  readonly topic: string;
  readonly keyFormat: FormatInfo;
  readonly valueFormat: FormatInfo;
  readonly timestamp?: TimestampColumn;
  readonly window?: WindowInfo;
  /** CREATE SOURCE STREAM/TABLE: read-only (no INSERT INTO), materialized for pull queries. */
  readonly isSource: boolean;
  /**
   * The pre-0.10 `WITH (KEY='col')` form: the key column is read from the value (where it
   * also sits, in `valueColumnsInTopic` order), not from the record key.
   */
  readonly keyFromValue?: { column: string; valueColumnsInTopic: readonly string[] };
  /** The statement that created it, as written. */
  readonly statement: string;
  /** The persistent query that writes it (CSAS/CTAS), if any. */
  readonly createdByQuery?: string;
}

export type QueryKind = "CSAS" | "CTAS" | "INSERT";

export interface QueryInfo {
  readonly id: string;
  readonly kind: QueryKind;
  readonly statement: string;
  readonly sink: string;
  readonly sinkTopic: string;
  readonly sources: readonly string[];
  readonly applicationId: string;
}

export class MetaStore {
  private readonly sources = new Map<string, DataSource>();
  private readonly queries = new Map<string, QueryInfo>();

  copy(): MetaStore {
    const m = new MetaStore();
    for (const [k, v] of this.sources) m.sources.set(k, v);
    for (const [k, v] of this.queries) m.queries.set(k, v);
    return m;
  }

  /** Adopts the contents of a copy that was checked and executed successfully. */
  replaceWith(other: MetaStore): void {
    this.sources.clear();
    this.queries.clear();
    for (const [k, v] of other.sources) this.sources.set(k, v);
    for (const [k, v] of other.queries) this.queries.set(k, v);
  }

  getSource(name: string): DataSource | undefined {
    return this.sources.get(name);
  }

  requireSource(name: string, at?: { line: number; column: number }): DataSource {
    const s = this.sources.get(name);
    if (!s) throw new KsqlException(`${name} does not exist.`, at);
    return s;
  }

  allSources(): DataSource[] {
    return [...this.sources.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  putSource(source: DataSource): void {
    this.sources.set(source.name, source);
  }

  deleteSource(name: string): void {
    this.sources.delete(name);
  }

  getQuery(id: string): QueryInfo | undefined {
    return this.queries.get(id);
  }

  allQueries(): QueryInfo[] {
    return [...this.queries.values()];
  }

  putQuery(q: QueryInfo): void {
    this.queries.set(q.id, q);
  }

  deleteQuery(id: string): void {
    this.queries.delete(id);
  }

  /** Queries that read `name`. */
  readersOf(name: string): QueryInfo[] {
    return this.allQueries().filter((q) => q.sources.includes(name));
  }

  /** Queries that write into `name` (its CSAS/CTAS and any INSERT INTO). */
  writersOf(name: string): QueryInfo[] {
    return this.allQueries().filter((q) => q.sink === name);
  }
}

const columnText = (c: { name: string; type: SqlType }, key: boolean) => `\`${c.name}\` ${formatType(c.type)}${key ? " KEY" : ""}`;

/**
 * Whether `next` may replace `existing` (CREATE OR REPLACE), as ksqlDB's DataSource
 * canUpgradeTo decides: same name, type, topic and timestamp column; the same key columns;
 * every existing column still there, with its type, at its position (new ones may follow).
 */
export function checkUpgrade(existing: DataSource, next: DataSource): void {
  const issues: string[] = [];
  const compat = (prop: string, a: string, b: string) => `DataSource '${existing.name}' has ${prop} = ${a} which is not upgradeable to ${b}`;
  const kind = (t: DataSourceType) => (t === "STREAM" ? "KSTREAM" : "KTABLE");
  if (existing.type !== next.type) issues.push(compat("type", kind(existing.type), kind(next.type)));
  if (existing.topic !== next.topic) issues.push(compat("topic", existing.topic, next.topic));
  const ts = (d: DataSource) => (d.timestamp ? `Optional[${d.timestamp.column}]` : "Optional.empty");
  if (ts(existing) !== ts(next)) issues.push(compat("timestampColumn", ts(existing), ts(next)));
  const all = (d: DataSource) => [...d.schema.key.map((c) => columnText(c, true)), ...d.schema.value.map((c) => columnText(c, false))];
  const schema = (d: DataSource) => all(d).join(", ");
  const oldKey = existing.schema.key.map((c) => columnText(c, true));
  const newKey = next.schema.key.map((c) => columnText(c, true));
  const missing = (a: string[], b: string[]) => a.filter((c, i) => b[i] !== c);
  const keyDiff = oldKey.length !== newKey.length ? oldKey.filter((c) => !newKey.includes(c)) : missing(oldKey, newKey);
  if (keyDiff.length > 0 || oldKey.length !== newKey.length) {
    issues.push(`${compat("schema", schema(existing), schema(next))}. (Key columns must be identical. The following key columns are changed, missing or reordered: [${keyDiff.join(", ")}])`);
  } else {
    const diff = missing(all(existing), all(next));
    if (diff.length > 0) issues.push(`${compat("schema", schema(existing), schema(next))}. (The following columns are changed, missing or reordered: [${diff.join(", ")}])`);
  }
  if (issues.length > 0) throw new KsqlException(`Cannot upgrade data source: ${issues.join("\n\tAND ")}`);
}
