/**
 * SHOW, DESCRIBE and EXPLAIN: their rows for the workbench and their text as ksqlDB's CLI
 * prints them (its Console: `%-20s : %s` headers, sections that open with a blank line and
 * are left out when empty, key columns as `%-16s (key)` with the window type).
 */
import type { DataSource, MetaStore, QueryInfo } from "../metastore";
import type { Column, WindowInfo } from "../planner/schema";
import { formatType, type SqlType } from "../types";
import { renderTable } from "./cli-table";
import type { ResultTable } from "./results";

/** Types as the CLI's DESCRIBE prints them: `VARCHAR(STRING)`, `ARRAY<VARCHAR(STRING)>`, `MAP<STRING, INTEGER>`. */
export function describeType(t: SqlType): string {
  switch (t.base) {
    case "STRING":
      return "VARCHAR(STRING)";
    case "ARRAY":
      return `ARRAY<${describeType(t.element)}>`;
    case "MAP":
      // The REST entity keeps only the value's schema; the CLI always prints STRING keys.
      return `MAP<STRING, ${describeType(t.value)}>`;
    case "STRUCT":
      return `STRUCT<${t.fields.map((f) => `${f.name} ${describeType(f.type)}`).join(", ")}>`;
    default:
      return formatType(t);
  }
}

/** What DESCRIBE EXTENDED and EXPLAIN read from the running engine. */
export interface InspectionContext {
  /** SHOW QUERIES' status of a persistent query: `RUNNING:1`, `ERROR:1`… */
  status(queryId: string): string;
  /** The topic's partition and replica counts, when it exists. */
  topic(name: string): { partitions: number; replicas: number } | undefined;
  /** Committed offsets of a query's consumer group, by topic, with each partition's log bounds. */
  offsets(applicationId: string): ConsumerGroupOffsets[];
}

export interface ConsumerGroupOffsets {
  topic: string;
  partitions: { partition: number; start: number; end: number; offset: number }[];
}

const header = (name: string, value: string) => `${name.padEnd(20)} : ${value}`;
const singleLine = (statement: string) => statement.replace(/\s+/g, " ").trim();

function windowTypeName(w: WindowInfo | undefined): string {
  return w ? ` (Window type: ${w.type})` : "";
}

/** The Field / Type rows: key columns marked `(key)` or `(primary key)`, padded as the CLI pads them. */
function fieldRows(key: readonly Column[], value: readonly Column[], table: boolean, window: WindowInfo | undefined): string[][] {
  const note = table ? "(primary key)" : "(key)";
  return [...key.map((c) => [c.name, `${describeType(c.type).padEnd(16)} ${note}${windowTypeName(window)}`]), ...value.map((c) => [c.name, describeType(c.type)])];
}

export function showSources(ms: MetaStore, type: "STREAM" | "TABLE", extended: boolean, ctx: InspectionContext): { table: ResultTable; text: string } {
  const sources = ms.allSources().filter((s) => s.type === type);
  const head = [type === "STREAM" ? "Stream Name" : "Table Name", "Kafka Topic", "Key Format", "Value Format", "Windowed"];
  const rows = sources.map((s) => [s.name, s.topic, s.keyFormat.format, s.valueFormat.format, String(s.window !== undefined)]);
  // SHOW … EXTENDED prints each source as DESCRIBE EXTENDED does, each followed by a blank line.
  const text = extended ? sources.map((s) => `${describeSource(s, ms, true, ctx).text}\n`).join("\n") : renderTable(head, rows);
  return { table: { columns: head.map((name) => ({ name })), rows }, text };
}

export interface TopicListing {
  name: string;
  partitions: number;
  replicas: number;
}

export function showTopics(topics: TopicListing[]): { table: ResultTable; text: string } {
  const head = ["Kafka Topic", "Partitions", "Partition Replicas"];
  const rows = topics.map((t) => [t.name, String(t.partitions), String(t.replicas)]);
  return { table: { columns: head.map((name) => ({ name })), rows: topics.map((t) => [t.name, t.partitions, t.replicas]) }, text: renderTable(head, rows) };
}

export function showQueries(queries: QueryInfo[], status: (id: string) => string): { table: ResultTable; text: string } {
  const head = ["Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"];
  const rows = queries
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((q) => [q.id, "PERSISTENT", status(q.id), q.sink, q.sinkTopic, singleLine(q.statement)]);
  return {
    table: { columns: head.map((name) => ({ name })), rows },
    text: `${renderTable(head, rows)}\nFor detailed information on a Query run: EXPLAIN <Query ID>;`,
  };
}

export function showProperties(session: ReadonlyMap<string, string>): { table: ResultTable; text: string } {
  const defaults: [string, string][] = [
    ["auto.offset.reset", "latest"],
    ["ksql.service.id", "default_"],
    ["ksql.persistence.default.format.key", "KAFKA"],
    ["cache.max.bytes.buffering", "0"],
  ];
  const rows = defaults.map(([k, v]) => [k, session.has(k) ? "SESSION" : "SERVER", session.get(k) ?? v]);
  for (const [k, v] of session) if (!defaults.some(([d]) => d === k)) rows.push([k, "SESSION", v]);
  const head = ["Property", "Scope", "Value"];
  return { table: { columns: head.map((name) => ({ name })), rows }, text: renderTable(head, rows) };
}

/** `Queries that read from this STREAM` and its kin: only when there are some. */
function queryBlock(lines: string[], queries: readonly QueryInfo[], type: string, operation: "read" | "write", ctx: InspectionContext): void {
  if (queries.length === 0) return;
  lines.push("", `Queries that ${operation} from this ${type}`, "-----------------------------------");
  for (const q of queries) lines.push(`${q.id} (${ctx.status(q.id)}) : ${singleLine(q.statement)}`);
  lines.push("", "For query topology and execution plan please run: EXPLAIN <QueryId>");
}

export function describeSource(ds: DataSource, ms: MetaStore, extended: boolean, ctx: InspectionContext): { table: ResultTable; text: string } {
  const isTable = ds.type === "TABLE";
  const rows = fieldRows(ds.schema.key, ds.schema.value, isTable, ds.window);
  const table: ResultTable = {
    columns: [{ name: "Field" }, { name: "Type" }],
    rows: [...ds.schema.key, ...ds.schema.value].map((c) => [c.name, describeType(c.type)]),
  };
  const lines = [header("Name", ds.name)];
  if (!extended) {
    lines.push(renderTable(["Field", "Type"], rows));
    lines.push("For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;");
    return { table, text: lines.join("\n") };
  }
  lines.push(header("Type", ds.type));
  lines.push(header("Timestamp field", ds.timestamp ? ds.timestamp.column : "Not set - using <ROWTIME>"));
  lines.push(header("Key format", ds.keyFormat.format));
  lines.push(header("Value format", ds.valueFormat.format));
  const topic = ctx.topic(ds.topic);
  lines.push(header("Kafka topic", ds.topic) + (topic ? ` (partitions: ${topic.partitions}, replication: ${topic.replicas})` : ""));
  lines.push(header("Statement", ds.statement));
  lines.push("");
  lines.push(renderTable(["Field", "Type"], rows));
  // Sources written by a CREATE … AS SELECT over this one: it cannot be dropped before them.
  const constrained = ms.readersOf(ds.name).filter((q) => q.kind !== "INSERT").map((q) => q.sink).sort();
  if (constrained.length > 0) lines.push("", "Sources that have a DROP constraint on this source", "--------------------------------------------------", ...constrained);
  queryBlock(lines, ms.readersOf(ds.name), ds.type, "read", ctx);
  const writers = ms.writersOf(ds.name);
  queryBlock(lines, writers, ds.type, "write", ctx);
  // No per-topic client metrics are kept, so the statistics lines are empty, as the
  // CLI prints them for a topic this server has not touched.
  lines.push("", "Local runtime statistics", "------------------------", "", "");
  lines.push(`(Statistics of the local KSQL server interaction with the Kafka topic ${ds.topic})`);
  const groups = writers.map((q) => ({ group: q.applicationId, topics: ctx.offsets(q.applicationId) }));
  if (groups.length > 0) {
    lines.push("", "Consumer Groups summary:");
    for (const g of groups) {
      lines.push("", header("Consumer Group", g.group));
      if (g.topics.length === 0) lines.push("<no offsets committed by this group yet>");
      for (const t of g.topics) {
        lines.push("", header("Kafka topic", t.topic));
        lines.push(header("Max lag", String(Math.max(0, ...t.partitions.map((p) => p.end - p.offset)))));
        lines.push("");
        lines.push(
          renderTable(
            ["Partition", "Start Offset", "End Offset", "Offset", "Lag"],
            t.partitions.map((p) => [String(p.partition), String(p.start), String(p.end), String(p.offset), String(p.end - p.offset)]),
          ),
        );
      }
    }
  }
  return { table, text: lines.join("\n") };
}

/** What EXPLAIN describes: a running query, or a statement planned but not started. */
export interface QueryDescription {
  id: string;
  type: "PERSISTENT" | "PUSH";
  statement: string;
  /** ksqlDB's KsqlQueryStatus per host (RUNNING, ERROR, PAUSED); absent for a statement that does not run. */
  hostStatus?: string;
  /** The query's result: key columns, then value columns. */
  key: readonly Column[];
  value: readonly Column[];
  window?: WindowInfo;
  sources: readonly string[];
  sinks: readonly string[];
  executionPlan: string;
  topology: string;
  overriddenProperties: Readonly<Record<string, string>>;
}

/** The host column of `Host Query Status`: a single local server on ksqlDB's default listener. */
export const LOCAL_HOST = "localhost:8088";

export function explainQuery(q: QueryDescription): { table: ResultTable; text: string } {
  const lines = [header("ID", q.id), header("Query Type", q.type)];
  if (q.statement.length > 0) lines.push(header("SQL", q.statement));
  if (q.hostStatus !== undefined) lines.push(header("Host Query Status", `{${LOCAL_HOST}=${q.hostStatus}}`));
  lines.push("");
  // The result's fields print as a stream's would: `(key)` even for a table's key.
  if (q.key.length + q.value.length > 0) lines.push(renderTable(["Field", "Type"], fieldRows(q.key, q.value, false, q.window)));
  if (q.sources.length > 0) {
    lines.push("", "Sources that this query reads from: ", "-----------------------------------", ...q.sources);
    lines.push("", "For source description please run: DESCRIBE [EXTENDED] <SourceId>");
  }
  if (q.sinks.length > 0) {
    lines.push("", "Sinks that this query writes to: ", "-----------------------------------", ...q.sinks);
    lines.push("", "For sink description please run: DESCRIBE [EXTENDED] <SinkId>");
  }
  if (q.executionPlan.length > 0) lines.push("", "Execution plan      ", "--------------      ", q.executionPlan);
  if (q.topology.length > 0) lines.push("", "Processing topology ", "------------------- ", q.topology);
  const props = Object.entries(q.overriddenProperties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (props.length > 0) lines.push("", "Overridden Properties", "---------------------", renderTable(["Property", "Value"], props));
  lines.push("");
  return {
    table: { columns: [{ name: "ID" }, { name: "Query Type" }, { name: "Status" }, { name: "Topology" }], rows: [[q.id, q.type, q.hostStatus ?? "", q.topology]] },
    text: lines.join("\n"),
  };
}
