/**
 * SHOW, DESCRIBE and EXPLAIN: their rows for the workbench and their text as ksqlDB's CLI
 * prints them.
 */
import type { DataSource, MetaStore, QueryInfo } from "../metastore";
import { windowText, type Column } from "../planner/schema";
import { formatType, type SqlType } from "../types";
import { renderTable } from "./cli-table";
import type { ResultTable } from "./results";

/** Types as the CLI's DESCRIBE prints them: `VARCHAR(STRING)`, `ARRAY<VARCHAR(STRING)>`. */
export function describeType(t: SqlType): string {
  switch (t.base) {
    case "STRING":
      return "VARCHAR(STRING)";
    case "ARRAY":
      return `ARRAY<${describeType(t.element)}>`;
    case "MAP":
      return `MAP<${describeType(t.key)}, ${describeType(t.value)}>`;
    case "STRUCT":
      return `STRUCT<${t.fields.map((f) => `${f.name} ${describeType(f.type)}`).join(", ")}>`;
    default:
      return formatType(t);
  }
}

export interface QueryStatus {
  id: string;
  state: string;
}

export function showSources(ms: MetaStore, type: "STREAM" | "TABLE", extended: boolean): { table: ResultTable; text: string } {
  const sources = ms.allSources().filter((s) => s.type === type);
  const header = [type === "STREAM" ? "Stream Name" : "Table Name", "Kafka Topic", "Key Format", "Value Format", "Windowed"];
  const rows = sources.map((s) => [s.name, s.topic, s.keyFormat.format, s.valueFormat.format, String(s.window !== undefined)]);
  let text = renderTable(header, rows);
  if (extended) text = sources.map((s) => describeSource(s, ms, [], true).text).join("\n\n");
  return { table: { columns: header.map((name) => ({ name })), rows }, text };
}

export interface TopicListing {
  name: string;
  partitions: number;
  replicas: number;
}

export function showTopics(topics: TopicListing[]): { table: ResultTable; text: string } {
  const header = ["Kafka Topic", "Partitions", "Partition Replicas"];
  const rows = topics.map((t) => [t.name, String(t.partitions), String(t.replicas)]);
  return { table: { columns: header.map((name) => ({ name })), rows: topics.map((t) => [t.name, t.partitions, t.replicas]) }, text: renderTable(header, rows) };
}

export function showQueries(queries: QueryInfo[], status: (id: string) => string): { table: ResultTable; text: string } {
  const header = ["Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"];
  const rows = queries
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((q) => [q.id, "PERSISTENT", status(q.id), q.sink, q.sinkTopic, q.statement.replace(/\s+/g, " ")]);
  return {
    table: { columns: header.map((name) => ({ name })), rows },
    text: `${renderTable(header, rows)}\nFor detailed information on a Query run: EXPLAIN <Query ID>;`,
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
  const header = ["Property", "Scope", "Value"];
  return { table: { columns: header.map((name) => ({ name })), rows }, text: renderTable(header, rows) };
}

function fieldRows(ds: DataSource): string[][] {
  const keyNote = ds.type === "TABLE" ? "(primary key)" : "(key)";
  const rows: string[][] = ds.schema.key.map((c: Column) => [c.name, `${describeType(c.type)}  ${keyNote}`]);
  if (ds.window) {
    rows.push(["WINDOWSTART", "BIGINT           (Window start)"]);
    rows.push(["WINDOWEND", "BIGINT           (Window end)"]);
  }
  for (const c of ds.schema.value) rows.push([c.name, describeType(c.type)]);
  return rows;
}

export function describeSource(ds: DataSource, ms: MetaStore, statuses: QueryStatus[], extended: boolean): { table: ResultTable; text: string } {
  const rows = fieldRows(ds);
  const table: ResultTable = {
    columns: [{ name: "Field" }, { name: "Type" }],
    rows: [...ds.schema.key, ...ds.schema.value].map((c) => [c.name, describeType(c.type)]),
  };
  const lines: string[] = [];
  lines.push(`Name                 : ${ds.name}`);
  if (extended) {
    lines.push(`Type                 : ${ds.type}`);
    lines.push(`Timestamp field      : ${ds.timestamp ? ds.timestamp.column : "Not set - using <ROWTIME>"}`);
    lines.push(`Key format           : ${ds.keyFormat.format}`);
    lines.push(`Value format         : ${ds.valueFormat.format}`);
    lines.push(`Kafka topic          : ${ds.topic}`);
    if (ds.window) lines.push(`Window               : ${windowText(ds.window)}`);
    lines.push(`Statement            : ${ds.statement}`);
  }
  lines.push(renderTable(["Field", "Type"], rows));
  if (extended) {
    const reads = ms.readersOf(ds.name);
    const writes = ms.writersOf(ds.name);
    const state = (id: string) => statuses.find((s) => s.id === id)?.state ?? "UNKNOWN";
    lines.push("");
    lines.push(`Queries that read from this ${ds.type}`);
    lines.push("-----------------------------------");
    for (const q of reads) lines.push(`${q.id} (${state(q.id)}) : ${q.statement.replace(/\s+/g, " ")}`);
    lines.push("");
    lines.push(`Queries that write from this ${ds.type}`);
    lines.push("-----------------------------------");
    for (const q of writes) lines.push(`${q.id} (${state(q.id)}) : ${q.statement.replace(/\s+/g, " ")}`);
    lines.push("");
    lines.push("For query topology and execution plan please run: EXPLAIN <QueryId>");
  } else {
    lines.push("For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;");
  }
  return { table, text: lines.join("\n") };
}

export function explainQuery(q: QueryInfo, sink: DataSource | undefined, state: string, topology: string): { table: ResultTable; text: string } {
  const lines: string[] = [];
  lines.push(`ID                   : ${q.id}`);
  lines.push(`Query Type           : PERSISTENT`);
  lines.push(`SQL                  : ${q.statement}`);
  lines.push(`Host Query Status    : {streamlab=${state}}`);
  lines.push("");
  if (sink) lines.push(renderTable(["Field", "Type"], fieldRows(sink)));
  lines.push("");
  lines.push("Sources that this query reads from: ");
  lines.push("-----------------------------------");
  for (const s of q.sources) lines.push(s);
  lines.push("");
  lines.push("For source description please run: DESCRIBE [EXTENDED] <SourceId>");
  lines.push("");
  lines.push("Sinks that this query writes to: ");
  lines.push("-----------------------------------");
  lines.push(q.sink);
  lines.push("");
  lines.push("For sink description please run: DESCRIBE [EXTENDED] <SinkId>");
  lines.push("");
  lines.push("Processing topology ");
  lines.push("------------------- ");
  lines.push(topology);
  return {
    table: { columns: [{ name: "ID" }, { name: "Query Type" }, { name: "Status" }, { name: "Topology" }], rows: [[q.id, "PERSISTENT", state, topology]] },
    text: lines.join("\n"),
  };
}
